package event_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// Every format honours its size limit (MaxBytes for YAML, MaxHistoryBytes
// for the line-oriented formats), so a history from an export gone wrong is
// refused before it is parsed.
func TestSizeLimitAppliesToEveryFormat(t *testing.T) {
	ev := `{"id": "r1", "type": "report", "at": "2018-04-20", "note": "` + strings.Repeat("x", 200) + `"}`
	for name, src := range map[string]string{
		"h.yaml":  "- " + ev + "\n",
		"h.json":  "[" + ev + "]\n",
		"h.jsonl": ev + "\n",
	} {
		_, err := event.Parse(name, []byte(src), event.Options{Limits: event.Limits{MaxBytes: 100, MaxHistoryBytes: 100}})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name+":1:1: file is", name)
		assert.Contains(t, err.Error(), "over the limit of 100 bytes", name)

		// The other format's limit does not apply.
		_, err = event.Parse(name, []byte(src), event.Options{Limits: event.Limits{MaxBytes: 100}})
		assert.Equal(t, name != "h.yaml", err == nil, "%s: MaxBytes bounds YAML only", name)

		evs, err := event.Parse(name, []byte(src), event.Options{})
		require.NoError(t, err, "%s within the default limit", name)
		assert.Len(t, evs, 1, name)
	}
}

// Attribute values nest no deeper than Limits.MaxDepth in JSON, as in YAML.
func TestJSONNestingLimit(t *testing.T) {
	deep := strings.Repeat("[", 70) + strings.Repeat("]", 70)
	_, err := event.Parse("h.jsonl", []byte(`{"id": "r1", "type": "report", "at": "2018-04-20", "data": `+deep+"}\n"), event.Options{})
	require.Error(t, err)
	assert.Equal(t, "h.jsonl:1:60: data: the value nests more than 64 levels deep (raise Limits.MaxDepth to read it)", err.Error())

	evs, err := event.Parse("h.jsonl", []byte(`{"id": "r1", "type": "report", "at": "2018-04-20", "data": `+deep+"}\n"), event.Options{Limits: event.Limits{MaxDepth: 100}})
	require.NoError(t, err)
	assert.Len(t, evs, 1)
}

// A BOM and CRLF line endings read fine, and positions still count lines
// and columns as an editor shows them.
func TestBOMAndCRLF(t *testing.T) {
	for name, src := range map[string]string{
		"h.yaml":  "\ufeffevents:\r\n  - {id: r1, type: report, at: 2018-04-20}\r\n  - id: r2\r\n    type: report\r\n    at: 2018-04-21\r\n",
		"h.json":  "\ufeff[\r\n  {\"id\": \"r1\", \"type\": \"report\", \"at\": \"2018-04-20\"},\r\n  {\"id\": \"r2\", \"type\": \"report\", \"at\": \"2018-04-21\"}\r\n]\r\n",
		"h.jsonl": "\ufeff{\"id\": \"r1\", \"type\": \"report\", \"at\": \"2018-04-20\"}\r\n{\"id\": \"r2\", \"type\": \"report\", \"at\": \"2018-04-21\"}\r\n",
	} {
		evs, err := event.Parse(name, []byte(src), event.Options{})
		require.NoError(t, err, name)
		require.Len(t, evs, 2, name)
		assert.Equal(t, "r2", evs[1].ID, name)
		assert.Equal(t, "2018-04-21", evs[1].At.Format("2006-01-02"), name)
		want := map[string]string{"h.yaml": "h.yaml:3:5", "h.json": "h.json:3:3", "h.jsonl": "h.jsonl:2:1"}[name]
		assert.Equal(t, want, evs[1].Pos.String(), "%s: the second event's position", name)
	}
}

// Load reads only regular files: a path to a device is refused instead of
// read for ever.
func TestLoadRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := event.Load("/dev/zero", event.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
}

// The size limit has one wording on every path: the size when it is known
// (a file on disk), the limit, and the Go field (the flag on the command
// line). The streaming reader of standard input said "(raise
// Limits.MaxHistoryBytes to read it)" and gave no advice to split.
func TestSizeLimitOneWording(t *testing.T) {
	src := strings.Repeat(`{"id":"a","type":"visit","at":"2018-01-01"}`+"\n", 20)
	lim := event.Options{Limits: event.Limits{MaxHistoryBytes: 500}}
	rd := event.NewReader("-", strings.NewReader(src), lim)
	var err error
	for err == nil {
		_, err = rd.Next()
	}
	assert.Equal(t, "-:1:1: file is over the limit of 500 bytes: split it into smaller files, or raise Limits.MaxHistoryBytes", err.Error())
	for _, name := range []string{"h.jsonl", "h.json", "h.csv"} {
		path := t.TempDir() + "/" + name
		data := src
		switch name {
		case "h.json":
			data = "[" + strings.ReplaceAll(strings.TrimSpace(src), "\n", ",") + "]"
		case "h.csv":
			data = "id,type,at\n" + strings.Repeat("a,visit,2018-01-01\n", 40)
		}
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
		_, err := event.Load(path, lim)
		require.Error(t, err)
		assert.Equal(t, fmt.Sprintf("%s:1:1: file is %d bytes, over the limit of 500 bytes: split it into smaller files, or raise Limits.MaxHistoryBytes", path, len(data)), err.Error())
	}
	path := t.TempDir() + "/h.yaml"
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("- {id: a}\n", 60)), 0o644))
	_, err = event.Load(path, event.Options{Limits: event.Limits{MaxBytes: 500}})
	assert.Equal(t, path+":1:1: file is 600 bytes, over the limit of 500 bytes: split it into smaller files, or raise Limits.MaxBytes", err.Error())
}
