package event_test

import (
	"errors"
	"fmt"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
)

// Parse reads a history in any of the formats by its name's extension,
// here JSON Lines. A bare date is the start of that day in the
// directions' time zone (London unless Options.Location says otherwise);
// a time must carry its offset. Numbers with no fraction are whole
// numbers however they are written.
func ExampleParse() {
	src := `{"id": "q1", "type": "report", "at": "2018-04-20", "from": "board-chair"}
{"id": "q2", "type": "report", "at": "2018-07-19T17:30:00+01:00", "from": "board-chair", "pages": 12.0}
`
	events, err := event.Parse("history.jsonl", []byte(src), event.Options{})
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev.ID, ev.Type, ev.At.In(event.London()).Format("2006-01-02 15:04 MST"), ev.DateOnly, ev.Attr("from"))
	}
	pages, whole := event.WholeNumber(events[1].Attrs["pages"])
	fmt.Println("pages:", pages, whole)
	// Output:
	// q1 report 2018-04-20 00:00 BST true board-chair
	// q2 report 2018-07-19 17:30 BST false board-chair
	// pages: 12 true
}

// Every problem in a history comes back at once, as a diag.List whose
// entries give the file, line, column and data path: here a date that
// does not exist and an event without its time.
func ExampleParse_errors() {
	src := `events:
  - {id: q1, type: report, at: 2018-02-30}
  - {id: q1, type: report}
`
	_, err := event.Parse("history.yaml", []byte(src), event.Options{})
	var list diag.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// history.yaml:2:32: events[0].at: "2018-02-30" is not a date of the form YYYY-MM-DD that exists in the calendar
	// history.yaml:3:5: events[1].at: missing required key "at": a date (2018-04-20) or an RFC 3339 time
}
