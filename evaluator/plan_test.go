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
