package direction_test

import (
	"testing"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/internal/synth"
)

// BenchmarkLoadDirection parses and compiles a direction as every command
// does at start-up: the Barnet direction of January 2018 and the synthetic
// direction the benchmarks and gendata use. cpu-ns/op is the process's CPU
// time (collector included), steadier than wall time on a shared machine.
func BenchmarkLoadDirection(b *testing.B) {
	loop := func(b *testing.B, load func() error) {
		b.ReportAllocs()
		cpu := cputime.Process()
		for b.Loop() {
			if err := load(); err != nil {
				b.Fatal(err)
			}
		}
		if cpu >= 0 {
			b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
		}
	}
	b.Run("barnet-2018-01", func(b *testing.B) {
		loop(b, func() error {
			_, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
			return err
		})
	})
	b.Run("synth", func(b *testing.B) {
		src := synth.Direction("bench", civil.New(2018, time.January, 25))
		loop(b, func() error {
			_, err := direction.Parse("direction.yaml", src, direction.Options{})
			return err
		})
	})
}
