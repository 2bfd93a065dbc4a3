package celenv

import (
	"fmt"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/yamlx"
)

func compileDue(t *testing.T, e *Env, expr string) *Program {
	t.Helper()
	doc := yamlx.Parse("t.yaml", []byte(fmt.Sprintf("%q\n", expr)), yamlx.Limits{})
	require.Empty(t, doc.Errs)
	p := e.Compile(doc, doc.Root, "due", Timestamp)
	require.Empty(t, doc.Errs, expr)
	require.NotNil(t, p, expr)
	return p
}

// TestFastDueAgreesWithCEL checks the Go path for the common due shapes
// against CEL itself, instant for instant, over every day of several
// years at clock times around midnight and the BST changes (01:00 UTC on
// the last Sundays of March and October).
func TestFastDueAgreesWithCEL(t *testing.T) {
	fast := []string{
		`trigger.at`,
		`addDays(trigger.at, 20)`,
		`addDays(trigger.at, -3)`,
		`addDays(trigger.at, 0)`,
		`addDays(trigger.at, params.days)`,
		`addDays(trigger.at, params.neg)`,
		`addDays(trigger.at, params.huge)`, // out of range: CEL's error
		`addDays(trigger.at, params.name)`, // not an int: CEL's error
		`addDays(trigger.at, params.missing)`,
		`addWorkingDays(trigger.at, 5)`,
		`addWorkingDays(trigger.at, params.days)`,
		`addWorkingDays(trigger.at, params.neg)`,
		`addWorkingDays(trigger.at, params.huge)`,
		`has(trigger.due) ? date(trigger.due) : addDays(trigger.at, params.days)`,
		`has(trigger.due) ? date(trigger.due) : addWorkingDays(trigger.at, params.days)`,
		`has(trigger.due) ? date(trigger.due) : trigger.at`,
	}
	slow := []string{
		`date(trigger.at)`,
		`addDays(date(trigger.at), 3)`,
		`addMonths(trigger.at, 1)`,
		`has(trigger.at) ? trigger.at : addDays(trigger.at, 1)`,
		`has(trigger.due) ? date(trigger.due) : addDays(event.at, 1)`,
		`addDays(trigger.at, 1 + params.days)`,
	}
	params := Map(map[string]any{"days": int64(20), "neg": int64(-7), "huge": int64(4_000_000), "name": "x"})
	var locs []*time.Location
	locs = append(locs, event.London())
	if sp, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		locs = append(locs, sp) // clocks went forward at midnight until 2019
	}
	if apia, err := time.LoadLocation("Pacific/Apia"); err == nil {
		locs = append(locs, apia) // skipped 30 Dec 2011 whole
	}
	clock := []time.Duration{0, 30 * time.Minute, time.Hour + 30*time.Minute, 2*time.Hour + 59*time.Minute,
		12 * time.Hour, 23*time.Hour + 30*time.Minute, 24*time.Hour - 1}
	for _, loc := range locs {
		e, err := New(loc, calendar.Default())
		require.NoError(t, err)
		for _, expr := range slow {
			assert.Nil(t, compileDue(t, e, expr).fast, "%s should go to CEL", expr)
		}
		for _, expr := range fast {
			p := compileDue(t, e, expr)
			require.NotNil(t, p.fast, "%s should have a Go path", expr)
			took := 0
			from := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
			if loc.String() == "Pacific/Apia" {
				from = time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)
			}
			for day := from; day.Before(from.AddDate(5, 0, 0)); day = day.AddDate(0, 0, 1) {
				for _, c := range clock {
					for _, at := range []time.Time{day.Add(c), time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(c)} {
						for _, attrs := range []map[string]any{nil, {"due": "2019-05-01"}} {
							ev := &event.Event{ID: "r", Type: "request", At: at, Attrs: attrs}
							a := &Activation{Trigger: EventValue{Ev: ev}, Params: params}
							got, ok := p.fast(a)
							out, _, cerr := p.prg.Eval(a)
							if !ok {
								continue
							}
							took++
							require.NoError(t, cerr, "%s at %s: Go path answered where CEL fails", expr, at)
							want := out.(types.Timestamp).Time
							require.True(t, want.Equal(got) && want.Location() == got.Location(),
								"%s at %s (%s): Go %s, CEL %s", expr, at, loc, got, want)
						}
					}
				}
			}
			switch expr {
			case `addDays(trigger.at, params.huge)`, `addDays(trigger.at, params.name)`, `addDays(trigger.at, params.missing)`, `addWorkingDays(trigger.at, params.huge)`:
				assert.Zero(t, took, "%s must be left to CEL", expr)
			default:
				assert.Positive(t, took, "%s never took the Go path", expr)
			}
		}
	}
}
