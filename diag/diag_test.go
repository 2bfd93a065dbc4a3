package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListSortsDedupesAndCaps(t *testing.T) {
	var l List
	l.Add(Position{"b.yaml", 3, 1}, "", "third")
	l.Add(Position{"a.yaml", 9, 2}, "obligations[0].id", "second")
	l.Add(Position{"a.yaml", 2, 7}, "", "first")
	l.Add(Position{"a.yaml", 2, 7}, "", "first")
	err := l.Err()
	require.Error(t, err)
	assert.Equal(t, "a.yaml:2:7: first\na.yaml:9:2: obligations[0].id: second\nb.yaml:3:1: third", err.Error())

	var many List
	for i := 0; i < MaxShown+3; i++ {
		many.Add(Position{"x", i + 1, 1}, "", "bad")
	}
	assert.True(t, strings.HasSuffix(many.Error(), "(and 3 more)"), many.Error())
	assert.NoError(t, List(nil).Err())
}

func TestErrorsAsFindsElements(t *testing.T) {
	var l List
	l.Add(Position{"f.yaml", 4, 5}, "id", "missing")
	wrapped := fmt.Errorf("loading: %w", l.Err())
	var one *Error
	require.True(t, errors.As(wrapped, &one))
	assert.Equal(t, 4, one.Pos.Line)
	var list List
	require.True(t, errors.As(wrapped, &list))
	assert.Len(t, list, 1)
}

func TestPositionString(t *testing.T) {
	assert.Equal(t, "f:1:2", Position{"f", 1, 2}.String())
	assert.Equal(t, "f:1", Position{"f", 1, 0}.String())
	assert.Equal(t, "f", Position{File: "f"}.String())
	assert.Equal(t, "3:4", Position{Line: 3, Column: 4}.String())
	assert.Equal(t, "-", Position{}.String())
}

// A problem with no position starts at its path, not at "-" (which reads
// as standard input); one with a file keeps it.
func TestErrorWithoutPosition(t *testing.T) {
	assert.Equal(t, `events[0].type: unknown event type "reprot"`, (&Error{Path: "events[0].type", Msg: `unknown event type "reprot"`}).Error())
	assert.Equal(t, "-:3:1: bad", (&Error{Pos: Position{File: "-", Line: 3, Column: 1}, Msg: "bad"}).Error())
}
