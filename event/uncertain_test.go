package event_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// Every history format accepts an at known only to a month or a range of
// days, through the one parser (event.ParseAt), and reads it the same way.
func TestUncertainAtInEveryFormat(t *testing.T) {
	sources := map[string]string{
		"h.yaml": "- {id: m, type: report, at: 2018-04}\n- {id: r, type: report, at: 2018-04-20..2018-05-02}\n- {id: d, type: report, at: 2018-04-20}\n- {id: one, type: report, at: 2018-04-20..2018-04-20}\n",
		"h.json": `[{"id":"m","type":"report","at":"2018-04"},{"id":"r","type":"report","at":"2018-04-20..2018-05-02"},{"id":"d","type":"report","at":"2018-04-20"},{"id":"one","type":"report","at":"2018-04-20..2018-04-20"}]`,
		"h.jsonl": `{"id":"m","type":"report","at":"2018-04"}` + "\n" + `{"id":"r","type":"report","at":"2018-04-20..2018-05-02"}` + "\n" +
			`{"id":"d","type":"report","at":"2018-04-20"}` + "\n" + `{"id":"one","type":"report","at":"2018-04-20..2018-04-20"}` + "\n",
		"h.csv": "id,type,at\nm,report,2018-04\nr,report,2018-04-20..2018-05-02\nd,report,2018-04-20\none,report,2018-04-20..2018-04-20\n",
	}
	check := func(name string, evs []event.Event) {
		require.Len(t, evs, 4, name)
		want := []struct{ first, through, long string }{
			{"2018-04-01", "2018-04-30", "April 2018"},
			{"2018-04-20", "2018-05-02", "20 Apr–2 May 2018"},
			{"2018-04-20", "0000-00-00", "20 Apr 2018"},
			{"2018-04-20", "0000-00-00", "20 Apr 2018"}, // a range of one day is that day
		}
		for i, w := range want {
			e := evs[i]
			assert.Equal(t, w.first, e.At.In(event.London()).Format("2006-01-02"), "%s %s", name, e.ID)
			assert.Zero(t, e.At.In(event.London()).Hour(), "%s %s starts at midnight", name, e.ID)
			assert.True(t, e.DateOnly, "%s %s", name, e.ID)
			assert.Equal(t, w.through, e.Through.String(), "%s %s", name, e.ID)
			assert.Equal(t, w.long, e.Days(event.London()).Long(), "%s %s", name, e.ID)
		}
	}
	for name, src := range sources {
		evs, err := event.Parse(name, []byte(src), event.Options{})
		require.NoError(t, err, name)
		check(name, evs)
	}
	r := event.NewReader("s.jsonl", bytes.NewReader([]byte(sources["h.jsonl"])), event.Options{})
	var streamed []event.Event
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		c := *e
		streamed = append(streamed, c)
	}
	check("stream", streamed)
}

func TestUncertainAtErrors(t *testing.T) {
	for _, at := range []string{"2018-13", "2018-04-30..2018-04-01", "2018-04..2018-05"} {
		_, err := event.Parse("h.yaml", []byte("- {id: x, type: report, at: "+at+"}\n"), event.Options{})
		assert.Error(t, err, at)
	}
	_, err := event.Parse("h.yaml", []byte("- {id: x, type: report, at: 2018-04-30..2018-04-01}\n"), event.Options{})
	assert.ErrorContains(t, err, "h.yaml:1:29: events[0].at: the range \"2018-04-30..2018-04-01\" ends before it begins")
}
