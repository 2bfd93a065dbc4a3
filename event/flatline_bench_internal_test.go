package event

import (
	"bytes"
	"testing"

	"github.com/dfe-tools/directions/diag"
)

// BenchmarkFlatLineNoise times flatLine alone on the lines of check's
// workload (noise events with RFC 3339 times whose attributes are
// skipped), in cache: the scan's own cost, steadier under load than a
// whole read.
func BenchmarkFlatLineNoise(b *testing.B) {
	lines := bytes.Split([]byte(`{"id":"council-001-1884","type":"visit","at":"2017-12-11T09:00:01Z","child":"c3891","worker":"w72"}
{"id":"council-001-1885","type":"assessment","at":"2017-12-11T09:00:02Z","child":"c3986","worker":"w56"}
{"id":"council-001-1886","type":"visit","at":"2017-12-11T09:00:03Z","child":"c3107","worker":"w273"}
{"id":"council-001-1887","type":"strategy-discussion","at":"2017-12-11T09:00:04Z","child":"c885","worker":"w282"}`), []byte("\n"))
	r := NewReader("h.jsonl", bytes.NewReader(nil), Options{ReadsAttributes: func(string) bool { return false }})
	r.lineIDs = true
	base := diag.Position{File: "h.jsonl", Line: 1, Column: 1}
	for b.Loop() {
		for _, line := range lines {
			if !r.flatLine(line, base) {
				b.Fatal("declined")
			}
		}
	}
}
