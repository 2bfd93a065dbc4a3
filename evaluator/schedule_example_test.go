package evaluator_test

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Schedule lists the deadlines in a range, for a calendar or a to-do
// list: here Barnet's from 1 July to 31 December 2018, read on 1 October.
// The quarterly deadlines (25 Jan 2018 + 6 and 9 months: 25 Jul and
// 25 Oct) show the second met and the third still due; the review
// requested on Monday 25 June was due 10 working days later, 9 July.
// Triggered deadlines are keyed by their trigger, the others by number.
func ExampleSchedule() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		panic(err)
	}
	history, err := set.LoadHistory("../examples/barnet/history.yaml", event.Options{}) // checked against the set's vocabulary
	if err != nil {
		panic(err)
	}
	deadlines, err := evaluator.Schedule(set, history, evaluator.ScheduleOptions{
		From:  time.Date(2018, time.July, 1, 0, 0, 0, 0, event.London()),
		Until: evaluator.EndOfDay(2018, time.December, 31, event.London()),
		Now:   time.Date(2018, time.October, 1, 9, 0, 0, 0, event.London()),
	})
	if err != nil {
		panic(err)
	}
	for _, dl := range deadlines {
		fmt.Printf("%s %-8s %s %s\n", dl.Due, dl.State, dl.Clause, dl.Key)
	}
	// Output:
	// 2018-07-09 met      8(e) barnet-2018-01/cooperate-with-review@review-1-request
	// 2018-07-25 met      8(e) barnet-2018-01/essex-six-monthly-review/1
	// 2018-07-25 met      8(f) barnet-2018-01/chair-quarterly-report/2
	// 2018-07-25 met      Annex A 2(a) barnet-2018-01/essex-chairs-board/2
	// 2018-07-25 met      Annex A 3 barnet-2018-01/essex-reports-to-dfe/2
	// 2018-09-19 met      8(d) barnet-2018-01/dcs-progress-report@bm-2018-09
	// 2018-10-25 due      8(f) barnet-2018-01/chair-quarterly-report/3
	// 2018-10-25 met      Annex A 2(a) barnet-2018-01/essex-chairs-board/3
	// 2018-10-25 due      Annex A 3 barnet-2018-01/essex-reports-to-dfe/3
}
