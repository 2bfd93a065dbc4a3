package direction_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// A Spec's YAML form reads back as the same direction as the Spec: New is
// Parse of that form, so the two cannot drift apart.
func TestSpecYAMLIsWhatNewReads(t *testing.T) {
	src, err := spec().YAML()
	require.NoError(t, err, "Spec.YAML")
	fromSpec, err := direction.New(spec(), direction.Options{})
	require.NoError(t, err, "New")
	fromYAML, err := direction.Parse(direction.SpecFile, src, direction.Options{})
	require.NoError(t, err, "Parse")
	assert.Equal(t, fromYAML.Digest, fromSpec.Digest)
	assert.Empty(t, fromSpec.File, "a direction built in Go has no file")
	require.Len(t, fromSpec.Obligations, 2)
	o := fromSpec.Obligations[1]
	assert.Equal(t, "addWorkingDays(trigger.at, 10)", o.DueExpr())
	assert.Equal(t, `event.type == "answer" && event.at >= trigger.at`, o.SatisfiedBy())
	assert.Equal(t, "3 months", fromSpec.Obligations[0].Schedule.Every.String())
	if testing.Verbose() {
		os.Stdout.Write(src)
	}
}

// Every kind of schedule, attribution and assumption a Spec can express
// loads; the loader, not New, decides what is valid.
func TestSpecEveryShape(t *testing.T) {
	s := spec()
	s.Obligations[0].Recurring.Count = 4
	s.Obligations[0].Attribution.Rule = "window"
	s.Obligations[1].DeadlineAssumed = "the text gives no deadline"
	s.Obligations[1].DeadlineAssumedUnless = `trigger.type == "request"`
	s.Calendar = "england-and-wales"
	s.Params = map[string]any{"days": 10}
	d, err := direction.New(s, direction.Options{})
	require.NoError(t, err)
	assert.Equal(t, 4, d.Obligations[0].Schedule.Count)
	assert.Equal(t, "window", d.Obligations[0].Attribution.Name())
	assert.Equal(t, `trigger.type == "request"`, d.Obligations[1].AssumedUnless())
	assert.Equal(t, "England and Wales", d.Calendar().Name())
}
