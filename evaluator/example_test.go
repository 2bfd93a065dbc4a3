package evaluator_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Check Barnet's history against its two directions as of 31 July 2018.
func Example() {
	first, err := direction.Load("../examples/barnet/direction-2017-09.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	second, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(first, second)
	if err != nil {
		panic(err)
	}
	history, err := set.LoadHistory("../examples/barnet/history.yaml", event.Options{}) // checked against the set's vocabulary
	if err != nil {
		panic(err)
	}
	res, err := evaluator.Evaluate(set, history, evaluator.Options{
		AsOf: evaluator.EndOfDay(2018, time.July, 31, event.London()),
	})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		if f.Obligation == "chair-quarterly-report" || f.Obligation == "commissioner-report" {
			fmt.Printf("%s %s #%d: %s (%s)\n", f.Clause, f.Obligation, f.Instance, f.Status, f.Reason)
		}
	}
	fmt.Println("breaches:", len(res.Breaches()))
	// Output:
	// 8(f) chair-quarterly-report #1: met (due 25 Apr 2018; met by chair-q1 on 20 Apr 2018, 5 days early)
	// 8(f) chair-quarterly-report #2: met (due 25 Jul 2018; met by chair-q2 on 19 Jul 2018, 6 days early)
	// 8(f) chair-quarterly-report #3: open (due 25 Oct 2018; not yet discharged)
	// Annex B 3 commissioner-report #1: met (due 31 May 2018; met by commissioner-2018-05 on 25 May 2018, 6 days early)
	// breaches: 0
}

// What if the Chair's second quarterly report were two weeks late? Events
// can come from code as well as from files.
func ExampleEvaluate_lateReport() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		panic(err)
	}
	day := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, event.London()) }
	report := func(id string, at time.Time) event.Event {
		return event.Event{ID: id, Type: "report", At: at, Attrs: map[string]any{
			"from": "board-chair", "to": "secretary-of-state", "kind": "progress",
		}}
	}
	history := []event.Event{
		report("chair-q1", day(2018, time.April, 20)),
		report("chair-q2", day(2018, time.August, 8)), // due 25 July
	}
	res, err := evaluator.Evaluate(set, history, evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.September, 1, event.London())})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		if f.Clause == "8(f)" {
			fmt.Printf("#%d due %s: %s, %d days late\n", f.Instance, f.Due, f.Status, f.DaysLate)
		}
	}
	// Output:
	// #1 due 2018-04-25: met, 0 days late
	// #2 due 2018-07-25: late, 14 days late
	// #3 due 2018-10-25: open, 0 days late
}

// A direction with mistakes is reported whole, each problem at its place.
func ExampleEvaluate_invalidDirection() {
	src := []byte(`id: bad
title: A direction with mistakes
council: barnet
issued_by: secretary-of-state
issued: 2018-02-30
parties:
  barnet: {name: Barnet}
  secretary-of-state: {name: Secretary of State}
obligations:
  - id: report
    clause: 8(f)
    holder: barnett
    summary: quarterly report
    source: test
    recurring: {every: 3 months}
    satisfied_by: event.type == "report" && event.to = "secretary-of-state"
`)
	_, err := direction.Parse("bad.yaml", src, direction.Options{})
	var list diag.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// bad.yaml:5:9: issued: "2018-02-30" is not a date of the form YYYY-MM-DD that exists in the calendar
	// bad.yaml:12:13: obligations[0].holder: unknown party "barnett": declare it under parties (did you mean "barnet"?)
	// bad.yaml:16:54: obligations[0].satisfied_by: Syntax error: token recognition error at: '= ' (compare with ==; = alone is not an operator)
	// bad.yaml:16:56: obligations[0].satisfied_by: Syntax error: extraneous input '"secretary-of-state"' expecting <EOF>
}
