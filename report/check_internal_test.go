package report

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/obligation"
)

// writeCheck writes the bytes writeIndented writes, with no findings, one,
// and many, findings that nest (cases, event references), leave members
// out (omitempty), and hold what the encoder escapes (<, &, a line end,
// non-ASCII), and with a member named "findings" inside a finding.
func TestWriteCheckAgreesWithEncoder(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	at := time.Date(2018, 3, 25, 1, 30, 0, 0, london)
	finding := func(i int) evaluator.Finding {
		f := evaluator.Finding{
			Direction: "barnet-2018-01", Obligation: "findings", Clause: fmt.Sprintf("8(%c)", 'a'+i%26), Holder: "council",
			Role: obligation.Duty, Kind: obligation.Triggered, Instance: i + 1, Status: evaluator.Met,
			Opens: at.AddDate(0, 0, i), Reason: "met <on time> & \"quoted\"\nnext line, £5 é",
		}
		switch i % 3 {
		case 0:
			f.Due, f.DueAt = "2018-04-20", at.AddDate(0, 1, 0)
			f.Trigger = &evaluator.EventRef{ID: fmt.Sprintf("ev-%d", i), At: at}
			f.DischargedBy = &evaluator.EventRef{ID: "ev-<done>", At: at.Add(time.Hour)}
			f.DaysLate = i
		case 1:
			f.Status = evaluator.Indeterminate
			f.Cases = []evaluator.Case{
				{When: []evaluator.Span{{Unknown: "the date of event x", From: "2018-04-01", To: "2018-04-30"}}, Status: evaluator.Late, DaysLate: 1, DaysLateMax: 5},
				{When: []evaluator.Span{{Unknown: "the date of event x", From: "2018-05-01", To: "2018-05-02", AfterAsOf: true}}, Status: evaluator.Missed},
			}
		}
		return f
	}
	for _, n := range []int{0, 1, 2, 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			doc := &Check{
				Schema: CheckSchema, Engine: evaluator.Version, AsOf: at,
				Inputs:     []Input{{Path: "a/direction.yaml", Kind: "direction", SHA256: "00"}, {Path: "a/history <1>.jsonl", Kind: "history", SHA256: "ff"}},
				Directions: []evaluator.DirectionStatus{{ID: "barnet-2018-01", Title: "Statutory direction", Reason: "in force"}},
				Findings:   []evaluator.Finding{},
				Events:     evaluator.EventCounts{Read: 10, Used: 3},
				Summary:    Summary{Findings: n, Met: n},
			}
			for i := range n {
				doc.Findings = append(doc.Findings, finding(i))
			}
			var want, got bytes.Buffer
			require.NoError(t, writeIndented(&want, doc))
			require.NoError(t, writeCheck(&got, doc))
			assert.Equal(t, want.String(), got.String())
		})
	}
}

// failAfter is a writer that takes n bytes, then fails as a full disk does.
type failAfter struct{ n int }

var errDiskFull = errors.New("no space left on device")

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

// A writer's failure midway through the findings is what writeCheck
// returns, even when a later finding could not be encoded (a due time
// after the year 9999, which encoding/json refuses): it is not hidden
// behind that error, nor are the findings after it encoded for nothing.
func TestWriteCheckReturnsTheWritersError(t *testing.T) {
	at := time.Date(2018, 3, 25, 1, 30, 0, 0, time.UTC)
	doc := &Check{Schema: CheckSchema, Engine: evaluator.Version, AsOf: at, Findings: []evaluator.Finding{}}
	for i := range 3000 {
		doc.Findings = append(doc.Findings, evaluator.Finding{Direction: "d", Obligation: "o", Instance: i + 1, Status: evaluator.Met, Opens: at, Reason: strings.Repeat("x", 100)})
	}
	doc.Findings[len(doc.Findings)-1].DueAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	err := writeCheck(&failAfter{n: 1000}, doc)
	assert.ErrorIs(t, err, errDiskFull)
}
