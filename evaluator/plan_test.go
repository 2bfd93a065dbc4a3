package evaluator

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// A plan is dropped once its direction is no longer used, so a service
// that reloads directions does not accumulate plans.
func TestPlansAreDroppedWithTheirDirection(t *testing.T) {
	var key weak.Pointer[direction.Direction]
	func() {
		d, err := direction.Load(filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"), direction.Options{})
		require.NoError(t, err)
		p := planFor(d)
		assert.Same(t, p, planFor(d), "one plan per direction")
		// The Barnet conditions pair responses with requests by id.
		assert.Equal(t, "request", p.keys[0])
		key = weak.Make(d)
		_, ok := plans.Load(key)
		require.True(t, ok)
	}()
	require.Eventually(t, func() bool {
		runtime.GC()
		_, ok := plans.Load(key)
		return !ok
	}, 5*time.Second, 10*time.Millisecond)
}

func TestReadsTriggerAttrs(t *testing.T) {
	for text, want := range map[string]bool{
		``:                            false,
		`event.type == "response"`:    false,
		`event.request == trigger.id`: false,
		`event.at > trigger.at && trigger.type == "request" && event.meeting == trigger["id"]`: true,
		`event.at > trigger.at && trigger.type == "request"`:                                   false,
		`event.request == trigger.id && event.to == trigger.from`:                              true,
		`has(trigger.due)`:                       true,
		`trigger == event`:                       true,
		`event.x in [trigger.id, trigger.other]`: true,
		`not valid (`:                            true,
	} {
		if got := readsTriggerAttrs(text); got != want {
			t.Errorf("readsTriggerAttrs(%q) = %v, want %v", text, got, want)
		}
	}
}

// eventFields reads a slot on first use for each event and never hands a
// test the value it read for the event before, even when the next event
// lacks the attribute or a slot is asked for only on some events.
func TestEventFieldsReadOncePerEvent(t *testing.T) {
	f := newEventFields([]string{"request", "outcome"})
	a := &event.Event{ID: "a", Type: "response", Attrs: map[string]any{"request": "q1", "outcome": "granted"}}
	b := &event.Event{ID: "b", Type: "response", Attrs: map[string]any{"outcome": 7}}
	c := &event.Event{ID: "c", Type: "request", Attrs: map[string]any{"request": "q3"}}
	get := func(ev *event.Event, slot int) any {
		if v, ok := f.get(ev, slot, f.names[slot]); ok {
			return v
		}
		return nil
	}
	f.next()
	assert.Equal(t, "q1", get(a, 0))
	a.Attrs["request"] = "changed" // read once: the slot keeps the first read
	assert.Equal(t, "q1", get(a, 0))
	f.next()
	assert.Nil(t, get(b, 0), "b has no request: a's must not show through")
	assert.Nil(t, get(b, 1), "b's outcome is not a string")
	f.next()
	assert.Equal(t, "q3", get(c, 0))
	f.next()
	assert.Equal(t, "changed", get(a, 0), "a new event reads again")
	assert.Equal(t, "granted", get(a, 1))
	v, ok := f.get(a, -1, "id")
	assert.True(t, ok)
	assert.Equal(t, "a", v, "id and type are the event's own fields")
}
