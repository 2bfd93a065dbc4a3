package event_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

func TestCSVReadsLikeYAML(t *testing.T) {
	yamlSrc := `
- {id: bm-1, type: board-meeting, at: 2018-02-14}
- {id: r-1, type: report, at: "2018-04-25T23:30:00+01:00", from: dcs, pages: 12, urgent: true, score: 2.5, meeting: bm-1}
`
	csvSrc := "id,type,at,from,pages,urgent,score,meeting\n" +
		"bm-1,board-meeting,2018-02-14,,,,,\n" +
		"r-1,report,2018-04-25T23:30:00+01:00,dcs,12,true,2.5,bm-1\n"
	want, err := event.Parse("h.yaml", []byte(yamlSrc), event.Options{})
	require.NoError(t, err)
	got, err := event.Parse("h.csv", []byte(csvSrc), event.Options{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i := range want {
		assert.Equal(t, want[i].ID, got[i].ID)
		assert.Equal(t, want[i].Type, got[i].Type)
		assert.True(t, want[i].At.Equal(got[i].At), "at of %s", got[i].ID)
		assert.Equal(t, want[i].DateOnly, got[i].DateOnly, "DateOnly of %s", got[i].ID)
		assert.Equal(t, want[i].Attrs, got[i].Attrs, "attributes of %s: empty cells are absent, not empty strings", got[i].ID)
	}
	assert.Equal(t, "h.csv:3:1", got[1].Pos.String(), "an event's position is its row")
	f, ok := event.FormatOf("RETURNS.CSV")
	assert.True(t, ok)
	assert.Equal(t, event.CSV, f)
}

func TestCSVSpreadsheetHabits(t *testing.T) {
	// A byte order mark, CRLF line ends, columns in another order, spaces
	// around cells, quoted cells with commas, quotes and line breaks, a
	// comment line and a blank line.
	src := "\xef\xbb\xbf# exported from the returns spreadsheet\r\n" +
		"at , type,id,note,kind\r\n" +
		"2018-03-01 , request , access-1,\"Essex asked for files, \"\"urgent\"\"\",access\r\n" +
		"\r\n" +
		"2018-03-05,response,access-1-ok,\"two\r\nlines\",\r\n"
	got, err := event.Parse("h.csv", []byte(src), event.Options{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "access-1", got[0].ID)
	assert.Equal(t, "request", got[0].Type)
	assert.Equal(t, time.Date(2018, 3, 1, 0, 0, 0, 0, event.London()), got[0].At)
	assert.Equal(t, map[string]any{"note": `Essex asked for files, "urgent"`, "kind": "access"}, got[0].Attrs)
	assert.Equal(t, map[string]any{"note": "two\nlines"}, got[1].Attrs, "a trailing empty cell is an absent attribute")
	assert.Equal(t, 3, got[0].Pos.Line)
	assert.Equal(t, 5, got[1].Pos.Line)
}

func TestCSVHeaderOnlyIsEmptyHistory(t *testing.T) {
	got, err := event.Parse("h.csv", []byte("id,type,at\n"), event.Options{})
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestCSVErrorsArePositioned(t *testing.T) {
	cases := map[string]struct {
		src  string
		want []string
	}{
		"empty file": {"", []string{`h.csv:1:1: file is empty: a CSV history starts with a header row such as id,type,at,from,to,kind`}},
		"header": {"id,typ,at,from,from,\n", []string{
			`h.csv:1:1: header: missing column "type": the header row needs id, type and at, then one column per attribute (did you mean "typ"?)`,
			`h.csv:1:16: header: duplicate column "from" (also column 4)`,
			`h.csv:1:21: header: column 6 has no name: name every column in the header row`,
		}},
		"rows": {"id,type,at,from\n" +
			"a,report,2018-02-30,dcs\n" +
			",report,2018-03-01,dcs\n" +
			"b,report,2018-03-01\n" +
			"c,report,2018-03-01T10:00:00,dcs\n" +
			"a,,2018-03-02,dcs\n", []string{
			`h.csv:2:10: line 2.at: "2018-02-30" is not a date of the form YYYY-MM-DD that exists in the calendar`,
			`h.csv:3:1: line 3.id: empty id: every event needs an id, unique in the history`,
			`h.csv:4:10: line 4: row has 3 cells but the header has 4 columns (id,type,at,from)`,
			`h.csv:5:10: line 5.at: time "2018-03-01T10:00:00" has no UTC offset: add one (2018-04-25T23:30:00+01:00) or Z, or give a plain date`,
			`h.csv:6:3: line 6.type: empty type: every event needs a type, such as report or board-meeting`,
		}},
		"duplicate ids": {"id,type,at\na,report,2018-03-01\na,report,2018-03-02\n", []string{
			`h.csv:3:1: events[1]: duplicate event id "a" (also at h.csv:2:1)`,
		}},
		"bare quote": {"id,type,at,note\na,report,2018-03-01,say \"hi\"\n", []string{
			`h.csv:2:25: not valid CSV: a " inside an unquoted cell: quote the whole cell and double the quote ("a ""b"" c")`,
		}},
		// encoding/csv reports where the input ran out, the end of line 2.
		"unclosed quote": {"id,type,at,note\na,report,2018-03-01,\"hi\n", []string{
			`h.csv:2:25: not valid CSV: a quoted cell is not closed, or has text after its closing quote`,
		}},
		"not UTF-8": {"id,type,at\na,report,2018-03-01\xff\n", nil},
	}
	for name, tc := range cases {
		got := errorsOf(t, mustFail(event.Parse("h.csv", []byte(tc.src), event.Options{})))
		if tc.want == nil {
			assert.Len(t, got, 1, name)
			assert.Contains(t, got[0], "h.csv:2:", name)
			continue
		}
		assert.Equal(t, tc.want, got, name)
	}
}

func TestCSVWithVocabulary(t *testing.T) {
	vocab := &event.Vocabulary{Types: map[string]map[string]event.AttrType{
		"report":  {"from": event.String, "meeting": event.String, "pages": event.Int},
		"request": {"due": event.Date},
	}}
	src := "id,type,at,from,meeting,pages,due\n" +
		"r-1,report,2018-04-20,dcs,2018,12,\n" +
		"q-1,request,2018-04-21,,,,2018-05-01\n"
	got, err := event.Parse("h.csv", []byte(src), event.Options{Vocabulary: vocab})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, map[string]any{"from": "dcs", "meeting": "2018", "pages": int64(12)}, got[0].Attrs,
		"a column the vocabulary calls a string stays a string even when it looks like a number")
	assert.Equal(t, map[string]any{"due": "2018-05-01"}, got[1].Attrs)

	// Without the vocabulary the same cell reads as YAML would read it.
	got, err = event.Parse("h.csv", []byte(src), event.Options{})
	require.NoError(t, err)
	assert.Equal(t, int64(2018), got[0].Attrs["meeting"])

	bad := "id,type,at,form,pages\n" +
		"r-1,report,2018-04-20,dcs,\n" +
		"r-2,report,2018-04-20,,many\n"
	errs := errorsOf(t, mustFail(event.Parse("h.csv", []byte(bad), event.Options{Vocabulary: vocab})))
	assert.Equal(t, []string{
		`h.csv:2:23: line 2.form: unknown attribute "form" for an event of type "report" (did you mean "from"?)`,
		`h.csv:3:24: line 3.pages: attribute "pages" of a "report" event must be a whole number, found "many"`,
	}, errs)
}
