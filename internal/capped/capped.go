package capped

import (
	"fmt"

	"github.com/dfe-tools/directions/diag"
)

// Keep is how many problems a history keeps: well over diag.MaxShown, the
// most printed, so that the list printed for a file under the cap is the
// one printed before, and for one over it the first problems by line.
const Keep = 1000

// List is one history's problems.
type List struct {
	File    string // the history, for the count's position
	kept    diag.List
	dropped int
}

// Append adds list's problems, counting those past Keep.
func (c *List) Append(list diag.List) {
	room := max(0, Keep-len(c.kept))
	if len(list) > room {
		c.dropped += len(list) - room
		list = list[:room]
	}
	c.kept = append(c.kept, list...)
}

// Len is how many problems were appended, kept or not.
func (c *List) Len() int { return len(c.kept) + c.dropped }

// Problems returns the kept problems, and when some were not kept one
// more at the file saying how many.
func (c *List) Problems() diag.List {
	if c.dropped == 0 {
		return c.kept
	}
	out := append(c.kept[:len(c.kept):len(c.kept)], &diag.Error{Pos: diag.Position{File: c.File}, Msg: fmt.Sprintf(
		"this file has %d problems in all; only the first %d were kept (the rest were counted, not stored)", c.Len(), Keep)})
	return out
}
