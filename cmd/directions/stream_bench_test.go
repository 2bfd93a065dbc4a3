package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/civil"
	"github.com/dfe-tools/directions/internal/synth"
)

// benchCouncil writes one council with about n events over ten years, the
// share noise of them noise, and returns its folder, history file and
// exact event count. Files go to a temporary folder and are never kept.
func benchCouncil(b *testing.B, n int, noise float64) (dir, history string, events int) {
	b.Helper()
	dir = b.TempDir()
	issued := civil.New(2018, time.January, 25)
	if err := os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("bench", issued), 0o644); err != nil {
		b.Fatal(err)
	}
	// About four duty events a request a month a year, plus ~60 a year.
	relevant := float64(n) * (1 - noise)
	perMonth := max(1, int((relevant/10-60)/24))
	history = filepath.Join(dir, "history.jsonl")
	f, err := os.Create(history)
	if err != nil {
		b.Fatal(err)
	}
	events, _, err = synth.WriteHistory(f, synth.Options{Seed: 1, Council: "bench", Issued: issued, Years: 10, Noise: noise, RequestsPerMonth: perMonth})
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		b.Fatal(err)
	}
	return dir, history, events
}

func perEvent(b *testing.B, events int) {
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events)/float64(b.N), "ns/event")
}

// BenchmarkStreamEndToEnd runs `directions stream` in process on a JSON
// Lines file: reading, decoding, evaluating and writing the findings.
// Compare with BenchmarkStreamDecodeOnly on the same file.
func BenchmarkStreamEndToEnd(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			dir, _, events := benchCouncil(b, n, 0.9)
			b.ReportAllocs()
			for b.Loop() {
				code := run(context.Background(), []string{"stream", "--as-of", "2028-12-31", dir}, io.Discard, io.Discard)
				if code == exitInvalid {
					b.Fatal("stream failed")
				}
			}
			perEvent(b, events)
		})
	}
}

// BenchmarkStreamDecodeOnly reads the same file with the same reader and
// decoder, under the same garbage-collector settings, and does nothing
// else: the ceiling for the end-to-end figure.
func BenchmarkStreamDecodeOnly(b *testing.B) {
	tuneGC()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			_, history, events := benchCouncil(b, n, 0.9)
			b.ReportAllocs()
			for b.Loop() {
				f, err := os.Open(history)
				if err != nil {
					b.Fatal(err)
				}
				r := event.NewReader(history, f, event.Options{})
				got := 0
				for {
					_, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				f.Close()
				if got != events {
					b.Fatalf("read %d events, want %d", got, events)
				}
			}
			perEvent(b, events)
		})
	}
}

// BenchmarkStreamPeakMemory builds the CLI and runs `directions stream` as
// a subprocess on a file of ten million events (90% noise), reporting the
// process's peak resident memory (getrusage maxrss) and its rate. It needs
// about 1 GB of temporary disk and a minute or two; select it by name.
func BenchmarkStreamPeakMemory(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("peak memory is read from Linux's getrusage")
	}
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			bin := filepath.Join(b.TempDir(), "directions")
			if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
				b.Fatalf("go build: %v\n%s", err, out)
			}
			dir, _, events := benchCouncil(b, n, 0.9)
			var maxRSS int64
			for b.Loop() {
				cmd := exec.Command(bin, "stream", "--as-of", "2028-12-31", dir)
				cmd.Stdout = io.Discard
				if err := cmd.Run(); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) || ee.ExitCode() != exitBreaches {
						b.Fatalf("stream: %v", err)
					}
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					maxRSS = max(maxRSS, ru.Maxrss) // KiB on Linux
				}
			}
			perEvent(b, events)
			b.ReportMetric(float64(maxRSS)/1024, "peak-MiB")
		})
	}
}
