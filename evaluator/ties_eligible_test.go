package evaluator

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A condition can tie only when nothing in it tells two simultaneous
// instances apart: trigger.at alone of the trigger, and nothing of the
// instance. A root-scoped name (.trigger) is the same variable.
func TestTieEligibleConditions(t *testing.T) {
	for text, want := range map[string]bool{
		`event.type == "response"`:                                  true,
		`event.type == "response" && event.at > trigger.at`:         true,
		`event.type == "response" && event.request == trigger.id`:   false,
		`event.type == "response" && event.request == .trigger.id`:  false,
		`event.type == "response" && event.at <= instance.due`:      false,
		`event.type == "response" && event.for == .instance.number`: false,
		`event.type == "response" && has(trigger.x)`:                false,
	} {
		assert.Equal(t, want, readsOnlyTriggerAt(text), text)
	}
	// The plan's test of whether a condition reads trigger attributes
	// counts .trigger too (conservatively: it may).
	assert.True(t, readsTriggerAttrs(`event.request == .trigger.x`))
}
