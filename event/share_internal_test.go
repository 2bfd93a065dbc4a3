package event

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// Load shares the string attribute values of the events it holds
// (sharedStrings) and gathers them in chunks (eventChunks). The events
// must be those a Reader gives, copied with Clone, value for value and in
// order; repeated short strings share their bytes, and lists and
// objects, which a caller may change, are never shared.
func TestLoadSharesStringsAndChangesNoValue(t *testing.T) {
	var b strings.Builder
	for i := range 2*eventChunk + 100 { // three chunks (eventChunks)
		fmt.Fprintf(&b, `{"id":"e%d","type":"visit","at":"2018-04-%02dT09:00:00+01:00","child":"c%d","worker":"w%d","n":%d,"list":["a"],"obj":{"k":"v"},"note":%q}`+"\n",
			i, 1+i%28, i%7, i%3, i, strings.Repeat("x", maxSharedLen+i%2)) // notes of 64 and 65 bytes
	}
	data := b.String()
	got, err := ParseJSONL("h.jsonl", []byte(data), Options{})
	require.NoError(t, err)

	rd := NewReader("h.jsonl", strings.NewReader(data), Options{})
	var want []Event
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		want = append(want, ev.Clone())
	}
	require.Equal(t, want, got)

	same := func(a, b any) bool {
		return unsafe.StringData(a.(string)) == unsafe.StringData(b.(string))
	}
	require.True(t, same(got[0].Attrs["child"], got[7].Attrs["child"]), "a repeated value is shared")
	require.True(t, same(got[0].Attrs["note"], got[2].Attrs["note"]), "a value of maxSharedLen bytes is shared")
	require.False(t, same(got[1].Attrs["note"], got[3].Attrs["note"]), "a longer value is not")
	got[0].Attrs["list"].([]any)[0] = "changed"
	got[0].Attrs["obj"].(map[string]any)["k"] = "changed"
	require.Equal(t, "a", got[1].Attrs["list"].([]any)[0], "lists are not shared")
	require.Equal(t, "v", got[1].Attrs["obj"].(map[string]any)["k"], "objects are not shared")
}

// The table of shared values stops growing at maxShared: values after
// that are kept as read.
func TestSharedStringsAreBounded(t *testing.T) {
	var s sharedStrings
	for i := range maxShared + 10 {
		v := fmt.Sprint(i)
		require.Equal(t, v, s.share(v, any(v)))
	}
	require.Len(t, s.values, maxShared)
}
