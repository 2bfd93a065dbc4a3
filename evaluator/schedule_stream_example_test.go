package evaluator_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// ScheduleStream lists the deadlines of a history read an event at a time,
// here from JSON Lines through event.Reader, without holding the history:
// the Chair's quarterly reports to the Secretary of State under para 8(f)
// of Barnet's direction of 25 January 2018, due three, six and nine
// months after it (25 Apr, 25 Jul and 25 Oct 2018), read on 1 October:
// the first two met by the reports of 20 Apr and 19 Jul, the third still
// due. A history out of time order is refused with an *OrderError; load
// it and call Schedule, which sorts it.
func ExampleScheduleStream() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		panic(err)
	}
	history := `{"id":"chair-q1","type":"report","at":"2018-04-20","from":"board-chair","to":"secretary-of-state","kind":"progress"}
{"id":"chair-q2","type":"report","at":"2018-07-19T16:30:00+01:00","from":"board-chair","to":"secretary-of-state","kind":"progress"}
`
	r := event.NewReader("history.jsonl", strings.NewReader(history), event.Options{Vocabulary: direction.VocabularyOf(d)})
	deadlines, err := evaluator.ScheduleStream(context.Background(), set, r.Next, evaluator.ScheduleOptions{
		From:  time.Date(2018, time.April, 1, 0, 0, 0, 0, event.London()),
		Until: evaluator.EndOfDay(2018, time.December, 31, event.London()),
		Now:   time.Date(2018, time.October, 1, 9, 0, 0, 0, event.London()),
	})
	var order *evaluator.OrderError
	if errors.As(err, &order) {
		fmt.Println("out of order: load the history and call Schedule")
		return
	}
	if err != nil {
		panic(err)
	}
	for _, dl := range deadlines {
		if dl.Obligation == "chair-quarterly-report" {
			fmt.Printf("%s %-4s %s %s\n", dl.Due, dl.State, dl.Clause, dl.Key)
		}
	}
	// Output:
	// 2018-04-25 met  8(f) barnet-2018-01/chair-quarterly-report/1
	// 2018-07-25 met  8(f) barnet-2018-01/chair-quarterly-report/2
	// 2018-10-25 due  8(f) barnet-2018-01/chair-quarterly-report/3
}
