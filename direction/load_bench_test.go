package direction_test

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/internal/synth"
)

// BenchmarkLoadDirection parses and compiles a direction as every command
// does at start-up: the Barnet direction of January 2018 and the synthetic
// direction the benchmarks and gendata use. "first" is a process's first
// load of the texts (what one command pays); "again" finds them compiled
// (the second council of a tree with the same direction, a server's
// reload). cpu-ns/op is the process's CPU time, collector included:
// steadier than wall time on a shared machine.
func BenchmarkLoadDirection(b *testing.B) {
	loop := func(b *testing.B, first bool, load func() error) {
		b.ReportAllocs()
		cpu := cputime.Process()
		for b.Loop() {
			if first {
				celenv.ForgetTexts()
			}
			if err := load(); err != nil {
				b.Fatal(err)
			}
		}
		if cpu >= 0 {
			b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
		}
	}
	synthSrc := synth.Direction("bench", civil.New(2018, time.January, 25))
	for _, first := range []bool{true, false} {
		name := map[bool]string{true: "first", false: "again"}[first]
		b.Run("barnet-2018-01/"+name, func(b *testing.B) {
			loop(b, first, func() error {
				_, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
				return err
			})
		})
		b.Run("synth/"+name, func(b *testing.B) {
			loop(b, first, func() error {
				_, err := direction.Parse("direction.yaml", synthSrc, direction.Options{})
				return err
			})
		})
	}
}

// coldLoadEnv names, in the environment of a process started by
// BenchmarkLoadDirectionCold, the direction TestColdLoadChild loads.
const coldLoadEnv = "DIRECTIONS_COLD_LOAD"

// BenchmarkLoadDirectionCold measures what a command pays to load a
// direction: the first load in a fresh process. Each iteration runs this
// test binary again (TestColdLoadChild), which loads the direction once
// and reports the CPU time and page faults of that load alone, not of
// starting the process. BenchmarkLoadDirection's "first" does not see it:
// in a process that has parsed CEL before, cel-go's ANTLR parser has
// already built its prediction tables (about half the cold load, see
// docs/benchmarks.md, "Start-up"), and the heap reuses memory instead of
// taking fresh pages. ns/op includes starting the process; read
// cpu-ns/op and faults/op.
func BenchmarkLoadDirectionCold(b *testing.B) {
	for _, name := range []string{"barnet-2018-01", "synth"} {
		b.Run(name, func(b *testing.B) {
			var cpu, faults, n int64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestColdLoadChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), coldLoadEnv+"="+name)
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				var c, f int64
				if _, err := fmt.Sscanf(string(out), "cold load: cpu-ns %d faults %d", &c, &f); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				cpu, faults, n = cpu+c, faults+f, n+1
			}
			if cpu >= 0 {
				b.ReportMetric(float64(cpu)/float64(n), "cpu-ns/op")
				b.ReportMetric(float64(faults)/float64(n), "faults/op")
			}
		})
	}
}

// TestColdLoadChild is BenchmarkLoadDirectionCold's child process; it is
// skipped in any other.
func TestColdLoadChild(t *testing.T) {
	var load func() error
	switch os.Getenv(coldLoadEnv) {
	case "barnet-2018-01":
		load = func() error {
			_, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
			return err
		}
	case "synth":
		src := synth.Direction("bench", civil.New(2018, time.January, 25))
		load = func() error {
			_, err := direction.Parse("direction.yaml", src, direction.Options{})
			return err
		}
	default:
		t.Skip("run by BenchmarkLoadDirectionCold")
	}
	cpu, faults := cputime.Process(), cputime.MinorFaults()
	if err := load(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("cold load: cpu-ns %d faults %d\n", cputime.Process()-cpu, cputime.MinorFaults()-faults)
}
