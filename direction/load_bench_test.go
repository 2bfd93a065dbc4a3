package direction_test

import (
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
