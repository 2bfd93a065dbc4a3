package event_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

func readAll(t *testing.T, name string, data []byte) ([]event.Event, []error) {
	t.Helper()
	r := event.NewReader(name, bytes.NewReader(data), event.Options{})
	var evs []event.Event
	var errs []error
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return evs, errs
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c := *ev
		c.Attrs = map[string]any{}
		for k, v := range ev.Attrs {
			c.Attrs[k] = v
		}
		evs = append(evs, c)
	}
}

// The streaming reader reads what ParseJSONL reads, event for event.
func TestReaderAgreesWithParseJSONL(t *testing.T) {
	evs, _ := synth.History(synth.Options{Seed: 3, Council: "c", Issued: civil.New(2018, 1, 25), Years: 2, Noise: 0.5})
	var b []byte
	for i := range evs {
		b = synth.AppendJSONL(b, &evs[i])
	}
	b = append(b, "\n   \n"...) // blank lines are allowed
	b = append(b, `{"id":"x1","type":"report","at":"2018-04-25T23:30:00+01:00","n":3,"f":1.5,"big":1e3,"ok":true,"none":null,"list":[1,"a",{"k":false}],"esc":"a\"b\u00e9"}`+"\r\n"...)
	b = append(b, `{"type":"visit","at":"2018-04-26","id":"x2"}`...) // no final newline
	want, err := event.ParseJSONL("h.jsonl", b, event.Options{})
	require.NoError(t, err)
	got, errs := readAll(t, "h.jsonl", b)
	require.Empty(t, errs)
	require.Equal(t, len(want), len(got))
	for i := range want {
		require.Equal(t, want[i], got[i], "event %d", i)
	}
}

func TestReaderReportsBadLinesAndGoesOn(t *testing.T) {
	src := strings.Join([]string{
		`{"id":"a","type":"visit","at":"2018-02-01"}`,
		`{"id":"b","type":"visit","at":"2018-02-30"}`,
		`{"id":"c","type":"visit"}`,
		`{"id":"d","type":"visit","at":"2018-02-01"} {"id":"e"}`,
		`{"id":"f","type":"visit","at":"2018-02-01"`,
		`["not an object"]`,
		`{"id":7,"type":"visit","at":"2018-02-01"}`,
		`{"id":"g","type":"visit","at":"2018-02-02"}`,
	}, "\n")
	got, errs := readAll(t, "h.jsonl", []byte(src))
	require.Len(t, got, 2)
	assert.Equal(t, "g", got[1].ID)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	require.Len(t, msgs, 6, strings.Join(msgs, "\n"))
	assert.Contains(t, msgs[0], "h.jsonl:2:")
	assert.Contains(t, msgs[0], "2018-02-30")
	assert.Contains(t, msgs[1], `h.jsonl:3:1: missing required key "at"`)
	assert.Contains(t, msgs[2], "h.jsonl:4:")
	assert.Contains(t, msgs[2], "a line holds one JSON object; found more after it")
	assert.Contains(t, msgs[3], "h.jsonl:5:")
	assert.Contains(t, msgs[3], "the line ends before its object does")
	assert.Contains(t, msgs[4], "h.jsonl:6:1: expected an event object ({...}), found a JSON array")
	assert.Contains(t, msgs[5], `h.jsonl:7:`)
	assert.Contains(t, msgs[5], `"id" must be a non-empty string`)
}

func TestReaderRejectsOverlongLine(t *testing.T) {
	src := `{"id":"a","type":"visit","at":"2018-02-01","pad":"` + strings.Repeat("x", event.MaxLine) + `"}` + "\n" +
		`{"id":"b","type":"visit","at":"2018-02-01"}` + "\n"
	got, errs := readAll(t, "h.jsonl", []byte(src))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "h.jsonl:1:1: line is longer than")
	require.Len(t, got, 1)
	assert.Equal(t, 2, got[0].Pos.Line)
}

// A bare date the zone skipped is refused by the streaming reader as by
// ParseTime, even on its quick path for dates (Samoa skipped 30 Dec 2011).
func TestReaderRefusesSkippedDate(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	in := `{"id":"a","type":"report","at":"2011-12-29"}
{"id":"b","type":"report","at":"2011-12-30"}
{"id":"c","type":"report","at":"2011-12-31"}
`
	r := event.NewReader("h.jsonl", strings.NewReader(in), event.Options{Location: apia})
	var ids []string
	var errs []string
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		ids = append(ids, ev.ID)
	}
	assert.Equal(t, []string{"a", "c"}, ids)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "h.jsonl:2:")
	assert.Contains(t, errs[0], "2011-12-30 did not exist in Pacific/Apia")
}

// padded is an event of exactly n bytes, from { to }.
func padded(id string, n int) string {
	base := `{"id":"` + id + `","type":"visit","at":"2018-02-01","pad":""}`
	return base[:len(base)-2] + strings.Repeat("x", n-len(base)) + `"}`
}

// A JSON Lines line is at most MaxLine bytes without its line end,
// whichever end it has: a line of exactly MaxLine was refused when a
// newline followed it and read when it was the last line without one.
func TestMaxLineEdgesJSONLines(t *testing.T) {
	for _, end := range []string{"\n", "\r\n", ""} {
		for _, n := range []int{event.MaxLine, event.MaxLine + 1} {
			src := padded("a", n) + end
			if end != "" {
				src += `{"id":"b","type":"visit","at":"2018-02-01"}` + "\n"
			}
			got, errs := readAll(t, "h.jsonl", []byte(src))
			loaded, lerr := event.Parse("h.jsonl", []byte(src), event.Options{})
			if n == event.MaxLine {
				assert.Empty(t, errs, "%q end, %d bytes", end, n)
				assert.NoError(t, lerr)
				assert.Len(t, loaded, len(got))
				continue
			}
			require.Len(t, errs, 1, "%q end, %d bytes", end, n)
			assert.Contains(t, errs[0].Error(), "h.jsonl:1:1: line is longer than 1048576 bytes")
			require.Error(t, lerr)
			assert.Contains(t, lerr.Error(), "h.jsonl:1:1: line is longer than 1048576 bytes")
			if end != "" {
				require.Len(t, got, 1, "reading goes on after the long line")
				assert.Equal(t, 2, got[0].Pos.Line)
			}
		}
	}
}

// An event of a JSON document is at most MaxLine bytes from { to }, and
// blank space between two values at most MaxLine bytes; both are refused
// at their place (blank space after [ was refused with no file or
// position).
func TestMaxLineEdgesJSON(t *testing.T) {
	ev := `{"id":"b","type":"visit","at":"2018-02-01"}`
	space := func(n int) string { return "\n" + strings.Repeat(" ", n-1) }
	cases := []struct{ src, want string }{
		{"[" + padded("a", event.MaxLine) + "]", ""},
		{"[" + padded("a", event.MaxLine+1) + "," + ev + "]", "h.json:1:2: events[0]: event is longer than 1048576 bytes"},
		{"[" + padded("a", event.MaxLine+300<<10) + "]", "h.json:1:2: event is longer than 1048576 bytes"},
		{"[" + space(event.MaxLine) + ev + "]", ""},
		{"[" + space(event.MaxLine+1) + ev + "]", "h.json:1:2: more than 1048576 bytes of blank space after here"},
		{"[" + space(2*event.MaxLine) + ev + "]", "h.json:1:2: more than 1048576 bytes of blank space after here"},
		{"[" + ev + "," + space(event.MaxLine) + ev + "]", "duplicate event id"},
		{"[" + ev + "," + space(event.MaxLine+1) + ev + "]", "h.json:1:45: more than 1048576 bytes of blank space"},
		{"[" + ev + "," + space(2*event.MaxLine) + ev + "]", "h.json:1:45: more than 1048576 bytes of blank space"},
		{"[" + ev + space(2*event.MaxLine) + "]", "h.json:1:45: more than 1048576 bytes of blank space"},
		{"[" + ev + "]" + space(2*event.MaxLine), "h.json:1:46: more than 1048576 bytes of blank space"},
		{`{"events":` + space(2*event.MaxLine) + "[" + ev + "]}", "h.json:1:10: more than 1048576 bytes of blank space"},
	}
	for i, c := range cases {
		_, err := event.Parse("h.json", []byte(c.src), event.Options{})
		if c.want == "" {
			assert.NoError(t, err, "case %d", i)
			continue
		}
		if assert.Error(t, err, "case %d", i) {
			assert.Contains(t, err.Error(), c.want, "case %d", i)
		}
	}
}
