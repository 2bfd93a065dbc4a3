package direction_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// The README's Go example, line for line (TestReadmeGoExample keeps the
// two in step): load a direction, settle the set, read the history
// checked against the set's vocabulary, evaluate as of a date.
func ExampleSet_LoadHistory() {
	ctx := context.Background()
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	// err, if not nil, is a diag.List: every problem with file, line and column.
	if err != nil {
		log.Fatal(err)
	}
	set, err := direction.NewSet(d) // settles revocations
	if err != nil {
		log.Fatal(err)
	}
	// LoadHistory refuses event types and attributes the set's vocabulary does
	// not declare, as the CLI does; event.Options{SkipVocabulary: true} opts out.
	history, err := set.LoadHistory("../examples/barnet/history.yaml", event.Options{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := evaluator.EvaluateContext(ctx, set, history, evaluator.Options{
		AsOf: evaluator.EndOfDay(2018, time.September, 30, event.London()), // required: the library never reads the clock
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Println(f.Clause, f.Obligation, f.Instance, f.Status, f.Due) // f.Reason says why, in words
	}
	// Output:
	// 8(b) essex-access 1 met 2018-03-08
	// 8(d) dcs-progress-report 1 met 2018-02-14
	// 8(d) dcs-progress-report 2 met 2018-04-18
	// 8(d) dcs-progress-report 3 met 2018-06-20
	// 8(d) dcs-progress-report 4 met 2018-09-19
	// 8(e) cooperate-with-review 1 met 2018-07-09
	// 8(e) essex-six-monthly-review 1 met 2018-07-25
	// 8(e) essex-six-monthly-review 2 open 2019-01-25
	// 8(f) chair-quarterly-report 1 met 2018-04-25
	// 8(f) chair-quarterly-report 2 met 2018-07-25
	// 8(f) chair-quarterly-report 3 open 2018-10-25
	// Annex A 2(a) essex-chairs-board 1 met 2018-04-25
	// Annex A 2(a) essex-chairs-board 2 met 2018-07-25
	// Annex A 2(a) essex-chairs-board 3 met 2018-10-25
	// Annex A 3 essex-reports-to-dfe 1 met 2018-04-25
	// Annex A 3 essex-reports-to-dfe 2 met 2018-07-25
	// Annex A 3 essex-reports-to-dfe 3 open 2018-10-25
	// Annex B 3 commissioner-report 1 met 2018-05-31
}

// Events made in code are checked in one call: ids, types and times, and
// the set's vocabulary, each problem naming the event.
func ExampleSet_CheckEvents() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		log.Fatal(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		log.Fatal(err)
	}
	at := time.Date(2018, time.April, 20, 0, 0, 0, 0, event.London())
	events := []event.Event{
		{ID: "chair-q1", Type: "reprot", At: at, Attrs: map[string]any{"from": "board-chair", "to": "secretary-of-state"}},
		{ID: "bm-2018-04", Type: "board-meeting", At: at, Attrs: map[string]any{"chiar": "essex"}},
	}
	err = set.CheckEvents(events)
	var list diag.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e.Path)
			fmt.Println(e.Msg)
		}
	}
	// Output:
	// events[1].chiar
	// event "bm-2018-04": unknown attribute "chiar" for an event of type "board-meeting" (did you mean "chair"?) (vocabulary ../examples/vocabulary.yaml)
	// events[0].type
	// event "chair-q1": unknown event type "reprot" (did you mean "report"?) (vocabulary ../examples/vocabulary.yaml)
}
