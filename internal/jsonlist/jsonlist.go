package jsonlist

import (
	"bufio"
	"bytes"
	"encoding/json"
)

// WriteItems writes n items, item(0) to item(n-1), as an Encoder with
// SetIndent(prefix, "  ") writes the elements of a list whose elements'
// lines start with in: each after a comma (but the first), a line end and
// in. The caller writes the list's "[" before and its line end, closing
// indentation and "]" after (only when n > 0: an empty list is "[]").
// escapeHTML is the Encoder's SetEscapeHTML. The writer's error is
// returned at once (bufio's error sticks), not hidden behind a later
// item's encoding error.
func WriteItems(w *bufio.Writer, in string, escapeHTML bool, n int, item func(i int) any) error {
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetIndent(in, "  ")
	enc.SetEscapeHTML(escapeHTML)
	for i := range n {
		one.Reset()
		if err := enc.Encode(item(i)); err != nil {
			return err
		}
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n")
		w.WriteString(in)
		if _, err := w.Write(one.Bytes()[:one.Len()-1]); err != nil { // without Encode's line end
			return err
		}
	}
	return nil
}
