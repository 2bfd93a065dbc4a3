package capped

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
)

func problems(from, n int) diag.List {
	var l diag.List
	for i := from; i < from+n; i++ {
		l.Add(diag.Position{File: "h.jsonl", Line: i + 1, Column: 1}, "", "bad %d", i)
	}
	return l
}

// Under the cap the list is exactly what was appended; over it the first
// Keep are kept, in order, and one more problem at the file gives the
// count of all, sorting before the lines.
func TestCappedList(t *testing.T) {
	var under List
	under.File = "h.jsonl"
	under.Append(problems(0, 3))
	under.Append(problems(3, Keep-3))
	assert.Equal(t, problems(0, Keep), under.Problems())
	assert.Equal(t, Keep, under.Len())

	over := List{File: "h.jsonl"}
	for i := 0; i < 3*Keep+7; i += 2 {
		over.Append(problems(i, 2)) // a line may give two problems
	}
	got := over.Problems()
	require.Len(t, got, Keep+1)
	assert.Equal(t, problems(0, Keep), got[:Keep])
	assert.Equal(t, 3*Keep+8, over.Len())
	assert.Equal(t, &diag.Error{Pos: diag.Position{File: "h.jsonl"}, Msg: fmt.Sprintf(
		"this file has %d problems in all; only the first %d were kept (the rest were counted, not stored)", 3*Keep+8, Keep)}, got[Keep])
	count := got[Keep]
	sorted := got.Err().(diag.List)
	assert.Same(t, count, sorted[0], "the count is listed first")
	assert.Greater(t, Keep, diag.MaxShown, "what is printed comes from what is kept")
}
