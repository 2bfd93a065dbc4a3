package synth_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/obligation"
)

// WriteHistory writes a time-ordered, valid history with unique ids and
// the share of noise asked for; the same seed gives the same bytes.
func TestWriteHistory(t *testing.T) {
	o := synth.Options{Seed: 4, Council: "c", Issued: civil.New(2018, 3, 31), Years: 2, Noise: 0.9}
	var a, b bytes.Buffer
	n, p, err := synth.WriteHistory(&a, o)
	require.NoError(t, err)
	_, _, err = synth.WriteHistory(&b, o)
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes())
	require.Equal(t, p.Relevant+p.Noise, n)
	assert.InDelta(t, 0.9, float64(p.Noise)/float64(n), 0.01)

	r := event.NewReader("h.jsonl", &a, event.Options{})
	var evs []event.Event
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		evs = append(evs, *ev)
		if len(evs) > 1 {
			require.False(t, ev.At.Before(evs[len(evs)-2].At), "line %d out of order", r.Line())
		}
	}
	require.Len(t, evs, n)
	require.NoError(t, event.Validate(evs))
}

// The generated direction models the Barnet direction as the shipped
// example does: what Essex and the Commissioner do are their roles
// (expectations), every duty is held by the council, so validate and
// check say nothing about roles for generated data.
func TestDirectionRolesAsInTheExample(t *testing.T) {
	d, err := direction.Parse("direction.yaml", synth.Direction("c", civil.New(2018, 1, 25)), direction.Options{})
	require.NoError(t, err)
	require.Len(t, d.Obligations, 12)
	expectations := 0
	for _, o := range d.Obligations {
		if d.CouncilHolds(o.Holder) {
			continue
		}
		assert.Equal(t, obligation.Expectation, o.Role, "%s is held by %s", o.ID, o.Holder)
		expectations++
	}
	assert.Equal(t, 2, expectations)
}
