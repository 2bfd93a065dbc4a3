package evaluator

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

// reusing feeds evs one at a time through one Event that it overwrites,
// as event.Reader does, so that whatever keeps an event must copy it.
func reusing(evs []event.Event) func() (*event.Event, error) {
	var buf event.Event
	i := 0
	return func() (*event.Event, error) {
		if i == len(evs) {
			return nil, io.EOF
		}
		buf = evs[i]
		buf.Attrs = maps.Clone(evs[i].Attrs)
		i++
		return &buf, nil
	}
}

// EvaluateStream gives Evaluate's Result, findings in Evaluate's order,
// and ScheduleStream ScheduleContext's deadlines, on chaotic histories
// (in time order) against the stress set and the schedule shapes.
func TestEvaluateAndScheduleStreamAgree(t *testing.T) {
	ctx := context.Background()
	for _, set := range []*direction.Set{barnetAndStress(t), shapesSet(t)} {
		for seed := range uint64(300 / raceScale) {
			r := rand.New(rand.NewPCG(seed, 21))
			evs := event.Sort(chaosHistory(r, 1+r.IntN(60)))
			asOf := randomAsOf(r)
			want, err := Evaluate(set, evs, Options{AsOf: asOf})
			require.NoError(t, err)
			got, err := EvaluateStream(ctx, set, reusing(evs), Options{AsOf: asOf})
			require.NoError(t, err)
			require.Equal(t, want, got, "seed %d", seed)

			// A schedule read at asOf, over a range that may end before or
			// after it.
			opts := ScheduleOptions{From: asOf.AddDate(0, -r.IntN(24), 0), Until: asOf.AddDate(0, r.IntN(12)-3, 1), Now: asOf}
			if opts.Until.Before(opts.From) {
				opts.From, opts.Until = opts.Until, opts.From
			}
			if r.IntN(4) == 0 {
				opts.Now = time.Time{}
			}
			wantD, err := ScheduleContext(ctx, set, evs, opts)
			require.NoError(t, err)
			gotD, err := ScheduleStream(ctx, set, reusing(evs), opts)
			require.NoError(t, err)
			require.Equal(t, wantD, gotD, "seed %d", seed)
		}
	}
}

// The generated councils, with bare dates and with RFC 3339 times: the
// streamed schedule is the loaded one.
func TestScheduleStreamAgreesOnGeneratedCouncils(t *testing.T) {
	dir := t.TempDir()
	for c := range 4 {
		council := fmt.Sprintf("council-%d", c)
		issued := civil.New(2018, time.Month(1+c), 10+c)
		path := filepath.Join(dir, council+".yaml")
		require.NoError(t, writeFile(path, synth.Direction(council, issued)))
		set := loadSet(t, path)
		evs, _ := synth.History(synth.Options{Seed: uint64(c), Council: council, Issued: issued, Years: 3, Noise: 0.9, RequestsPerMonth: 3, Times: c%2 == 1})
		now := EndOfDay(2020, time.June, 30, event.London())
		opts := ScheduleOptions{From: EndOfDay(2018, time.January, 1, event.London()), Until: EndOfDay(2021, time.June, 30, event.London()), Now: now}
		want, err := Schedule(set, evs, opts)
		require.NoError(t, err)
		got, err := ScheduleStream(context.Background(), set, reusing(evs), opts)
		require.NoError(t, err)
		require.Equal(t, want, got, council)
		require.NotEmpty(t, got, council)
	}
}

// Out of order, ScheduleStream refuses with Stream's *OrderError (a
// caller loads and calls Schedule instead), even when the late event is
// after Now.
func TestScheduleStreamRefusesOutOfOrder(t *testing.T) {
	set := barnetAndStress(t)
	r := rand.New(rand.NewPCG(1, 21))
	evs := event.Sort(chaosHistory(r, 40))
	evs[0], evs[len(evs)-1] = evs[len(evs)-1], evs[0]
	_, err := ScheduleStream(context.Background(), set, reusing(evs), ScheduleOptions{Until: evs[len(evs)-1].At.AddDate(1, 0, 0), Now: evs[1].At})
	var oe *OrderError
	require.ErrorAs(t, err, &oe)
	_, err = ScheduleStream(context.Background(), set, reusing(evs), ScheduleOptions{})
	require.ErrorIs(t, err, ErrNoUntil)
}
