package event_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/internal/synth"
)

// benchFile writes a generated history of about n events (90% noise) to a
// temporary JSON Lines file and returns its path and event count.
func benchFile(b *testing.B, n int) (string, int) {
	b.Helper()
	perMonth := max(1, (n/10/10-60)/24)
	evs, _ := synth.History(synth.Options{Seed: 1, Council: "bench", Issued: civil.New(2018, 1, 25), Years: 10, Noise: 0.9, RequestsPerMonth: perMonth})
	path := filepath.Join(b.TempDir(), "history.jsonl")
	var buf []byte
	for i := range evs {
		buf = synth.AppendJSONL(buf, &evs[i])
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, len(evs)
}

// BenchmarkDecodeJSONL compares reading the same JSON Lines file with
// ParseJSONL (encoding/json, the whole file in memory) and with the
// streaming Reader (go-json-experiment/json's jsontext, one line in
// memory). Both produce the same events.
func BenchmarkDecodeJSONL(b *testing.B) {
	path, n := benchFile(b, 100_000)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decoder=encoding-json/ParseJSONL", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := event.ParseJSONL(path, data, event.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("decoder=jsontext/Reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r := event.NewReader(path, bytes.NewReader(data), event.Options{})
			count := 0
			for {
				_, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				count++
			}
			if count != n {
				b.Fatal(fmt.Sprint(count, "!=", n))
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkReadSkipping reads what check reads on the workload:
// 100,000 events with RFC 3339 times, 99.8% of types whose attributes the
// caller skips (Options.ReadsAttributes), fingerprinting every id; from
// memory, so that only the reader is timed.
func BenchmarkReadSkipping(b *testing.B) {
	var buf bytes.Buffer
	n, _, err := synth.WriteHistory(&buf, synth.Options{Seed: 1, Council: "bench", Issued: civil.New(2018, 1, 25), Years: 10, Noise: 0.998, RequestsPerMonth: 1, Times: true})
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	duty := map[string]bool{"report": true, "request": true, "response": true, "board-meeting": true}
	opts := event.Options{ReadsAttributes: func(t string) bool { return duty[t] }}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		r := event.NewReader("h.jsonl", bytes.NewReader(data), opts)
		ids := event.NewIDPrints()
		for {
			ev, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			ids.Add(ev.ID)
		}
		if ids.Len() != n || len(ids.Repeated()) != 0 {
			b.Fatal("not every event read once")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
	if cpu >= 0 {
		b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N)/float64(n), "cpu-ns/event")
	}
}
