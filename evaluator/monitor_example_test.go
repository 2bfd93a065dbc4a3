package evaluator_test

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// A case-management system feeds Barnet's events to a monitor as they are
// recorded, and moves its clock on each night. The Chair's quarterly
// reports fall due 3, 6, 9 ... months after the direction of 25 January
// 2018: 25 Apr, 25 Jul, 25 Oct 2018. The first two are met when their
// reports arrive; no third report comes, so when the clock passes the end
// of 25 October the monitor reports it missed. Finish reports every
// instance still undischarged: the third again (missed), and the fourth,
// due 25 Jan 2019, open.
func ExampleMonitor() {
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
	m := evaluator.NewMonitor(set, func(f evaluator.Finding) {
		if f.Obligation == "chair-quarterly-report" {
			fmt.Printf("%s #%d due %s: %s\n", f.Clause, f.Instance, f.Due, f.Status)
		}
	})
	history = event.Sort(history) // a monitor takes events oldest first
	for i := range history {
		if err := m.Observe(&history[i]); err != nil {
			panic(err)
		}
	}
	fmt.Println("-- 26 October")
	if err := m.Advance(time.Date(2018, time.October, 26, 0, 0, 0, 0, event.London())); err != nil {
		panic(err)
	}
	fmt.Println("-- finish, 31 October")
	if _, err := m.Finish(evaluator.EndOfDay(2018, time.October, 31, event.London())); err != nil {
		panic(err)
	}
	// Output:
	// 8(f) #1 due 2018-04-25: met
	// 8(f) #2 due 2018-07-25: met
	// -- 26 October
	// 8(f) #3 due 2018-10-25: missed
	// -- finish, 31 October
	// 8(f) #3 due 2018-10-25: missed
	// 8(f) #4 due 2019-01-25: open
}
