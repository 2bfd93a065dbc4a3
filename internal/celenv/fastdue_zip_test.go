package celenv

import (
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/slimzone"
)

// addDays(trigger.at, N)'s Go path agrees with CEL in zones whose standard
// offset changed mid-year, under the embedded rules. A fast path that
// took ZoneBounds for the period an offset held (3f1bfdd, reverted) put a
// request made at 00:30 on 10 November 2022 in Ciudad Juarez (which moved
// from Mountain to Central time on 30 November 2022) due on 4 December
// instead of 5 December, and a timely answer was found a day late.
func TestFastDueAgreesWithCELUnderEmbeddedZones(t *testing.T) {
	for _, c := range []struct {
		zone     string
		from, to time.Time
	}{
		{"America/Ciudad_Juarez", time.Date(2022, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2022, 12, 10, 0, 0, 0, 0, time.UTC)},
		{"America/Metlakatla", time.Date(2018, 12, 20, 0, 0, 0, 0, time.UTC), time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 11, 30, 0, 0, 0, 0, time.UTC)},
	} {
		loc, err := slimzone.Load(c.zone)
		require.NoError(t, err, "Go's embedded zone database")
		e, err := New(loc, calendar.Default())
		require.NoError(t, err)
		host, err := time.LoadLocation(c.zone)
		require.NoError(t, err)
		he, err := New(host, calendar.Default())
		require.NoError(t, err)
		for _, expr := range []string{`addDays(trigger.at, 25)`, `addDays(trigger.at, 7)`, `addDays(trigger.at, -20)`} {
			p := compileDue(t, e, expr)
			require.NotNil(t, p.fast, expr)
			hp := compileDue(t, he, expr)
			for at := c.from; at.Before(c.to); at = at.Add(30 * time.Minute) {
				a := &Activation{Trigger: EventValue{Ev: &event.Event{ID: "r", Type: "request", At: at}}}
				got, ok := p.fast(a)
				require.True(t, ok, "%s at %s", expr, at)
				out, _, err := p.prg.Eval(a)
				require.NoError(t, err)
				want := out.(types.Timestamp).Time
				require.True(t, want.Equal(got), "%s, trigger %s in %s: Go %s, CEL %s", expr, at.In(loc), c.zone, got, want)
				// And the same instant as under the host's full zone data.
				hout, _, err := hp.prg.Eval(a)
				require.NoError(t, err)
				require.True(t, hout.(types.Timestamp).Time.Equal(want), "%s, trigger %s in %s: embedded rules %s, host's %s", expr, at.In(loc), c.zone, want, hout)
			}
		}
	}
}
