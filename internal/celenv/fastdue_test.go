package celenv

import (
	"fmt"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/civil"
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

// addDaysInPeriod must give atDayTime's instant, location and all,
// whenever it answers: for trigger times around every clock change of
// 2008 to 2020 and k days before and after them, in zones that change
// by an hour (London, Santiago), at midnight (São Paulo, Havana), by
// half an hour (Lord Howe), or skipped a day (Apia), and in UTC. It must
// also answer for most times, or it saves nothing.
func TestAddDaysInPeriodAgreesWithAtDayTime(t *testing.T) {
	for _, name := range []string{"Europe/London", "America/Santiago", "America/Sao_Paulo", "America/Havana", "Australia/Lord_Howe", "Pacific/Apia", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no zone data for %s: %v", name, err)
		}
		e, err := New(loc, calendar.Default())
		require.NoError(t, err)
		var changes []time.Time
		for at := time.Date(2008, 1, 1, 0, 0, 0, 0, loc); at.Year() < 2021; {
			_, end := at.ZoneBounds()
			if end.IsZero() {
				break
			}
			changes = append(changes, end)
			at = end
		}
		if name == "UTC" {
			changes = []time.Time{time.Date(2018, 3, 25, 1, 0, 0, 0, loc)}
		}
		answered, asked := 0, 0
		for _, c := range changes {
			for _, k := range []int64{-400, -14, -2, -1, 0, 1, 2, 3, 7, 10, 14, 30, 200} {
				for step := -4 * 24; step <= 4*24; step++ {
					// Every quarter hour for a day either side of the
					// change, and then every hour for three more; the
					// trigger itself near the change, or k days before it.
					d := time.Duration(step) * 15 * time.Minute
					if step < -24 || step > 24 {
						d = time.Duration(step) * time.Hour
					}
					for _, at := range []time.Time{c.Add(d), c.Add(d).Add(-time.Duration(k) * 24 * time.Hour)} {
						at = at.Add(7*time.Second + 3)
						tl := at.In(loc)
						full := e.atDayTime(civil.Of(tl).AddDays(int(k)), tl)
						asked++
						got, ok := addDaysInPeriod(tl, k)
						if !ok {
							continue
						}
						answered++
						if got != full {
							t.Fatalf("%s: addDays(%s, %d): in period %s, in full %s", name, tl.Format(time.RFC3339Nano), k,
								got.Format(time.RFC3339Nano), full.Format(time.RFC3339Nano))
						}
					}
				}
			}
		}
		// Around changes half the questions are near one; elsewhere nearly all are answered.
		assert.Greater(t, answered, asked/4, "%s: answered %d of %d", name, answered, asked)
		tl := time.Date(2018, 6, 14, 9, 0, 7, 0, loc)
		_, ok := addDaysInPeriod(tl, 10)
		assert.True(t, ok, "%s: a mid-June trigger, 10 days on, is weeks from any clock change", name)
		// Near the years 1 and 9999 the full way checks the result's year,
		// and a step of 200,000 days is past what a Duration holds: these
		// are never answered here.
		for _, c := range []struct {
			at time.Time
			k  int64
		}{{time.Date(9999, 12, 25, 9, 0, 0, 0, loc), 10}, {time.Date(9999, 12, 25, 9, 0, 0, 0, loc), -3}, {time.Date(1, 1, 5, 9, 0, 0, 0, loc), -10}, {tl, 200_000}, {tl, -200_000}} {
			_, ok := addDaysInPeriod(c.at, c.k)
			assert.False(t, ok, "%s: addDays(%s, %d)", name, c.at, c.k)
		}
	}
}
