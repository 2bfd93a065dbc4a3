package explain_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/explain"
)

// ExplainStream explains an obligation from a history read an event at a
// time (here JSON Lines through event.Reader), keeping only the events of
// the types the obligation looks at: Barnet's para 8(f), the Chair's
// quarterly report to the Secretary of State, due 25 Apr, 25 Jul and
// 25 Oct 2018 (three, six and nine months after the direction of 25
// January 2018), as of 30 September. The Director's report of 16 April
// is a report too, so it was tested against the first instance, and met
// none; the board meeting is of a type 8(f) does not look at, and is not
// kept.
func ExampleExplainStream() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		log.Fatal(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		log.Fatal(err)
	}
	history := `{"id":"dcs-2018-04","type":"report","at":"2018-04-16","from":"dcs","to":"improvement-board","kind":"progress","meeting":"bm-2018-04"}
{"id":"bm-2018-04","type":"board-meeting","at":"2018-04-18","chair":"essex"}
{"id":"chair-q1","type":"report","at":"2018-04-20","from":"board-chair","to":"secretary-of-state","kind":"progress"}
{"id":"chair-q2","type":"report","at":"2018-07-19T16:30:00+01:00","from":"board-chair","to":"secretary-of-state","kind":"progress"}
`
	r := event.NewReader("history.jsonl", strings.NewReader(history), event.Options{Vocabulary: direction.VocabularyOf(d)})
	ex, err := explain.ExplainStream(context.Background(), set, r.Next, explain.Find(set, "chair-quarterly-report"),
		explain.Options{AsOf: evaluator.EndOfDay(2018, time.September, 30, event.London())})
	if err != nil {
		log.Fatal(err) // an *evaluator.OrderError for events out of order: load them and call Explain
	}
	oe := ex.Obligations[0]
	for _, ie := range oe.Instances {
		fmt.Printf("instance %d, due %s: %s\n", ie.Number, ie.Due, ie.Status)
	}
	for _, c := range oe.Candidates {
		fmt.Printf("%s: %s\n", c.Event, c.Note)
	}
	// Output:
	// instance 1, due 2018-04-25: met
	// instance 2, due 2018-07-25: met
	// instance 3, due 2018-10-25: open
	// dcs-2018-04: tested against instance(s) 1; met none
	// chair-q1: discharged instance 1
	// chair-q2: discharged instance 2
}
