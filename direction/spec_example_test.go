package direction_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// spec is a direction built in Go: quarterly reports from 25 January 2018
// and an answer within 10 working days of each request.
func spec() direction.Spec {
	return direction.Spec{
		ID: "example-2018", Title: "Example direction", Council: "council", IssuedBy: "secretary-of-state",
		Issued: civil.New(2018, time.January, 25),
		Parties: []direction.Party{
			{ID: "council", Name: "Example Borough Council"},
			{ID: "secretary-of-state", Name: "Secretary of State for Education"},
		},
		Vocabulary: &event.Vocabulary{Types: map[string]map[string]event.AttrType{
			"report":  {"from": event.String},
			"request": {},
			"answer":  {},
		}},
		Obligations: []obligation.Spec{{
			ID: "quarterly-report", Clause: "8(f)", Holder: "council",
			Summary: "Report to the Secretary of State every three months.", Source: "an example",
			Recurring:   &obligation.RecurringSpec{Every: obligation.Period{N: 3, Unit: obligation.Months}},
			SatisfiedBy: `event.type == "report" && event.from == "council"`,
		}, {
			ID: "answer-requests", Clause: "9", Holder: "council",
			Summary: "Answer each request within 10 working days.", Source: "an example",
			Triggered:   &obligation.TriggeredSpec{When: `event.type == "request"`, Due: "addWorkingDays(trigger.at, 10)"},
			SatisfiedBy: `event.type == "answer" && event.at >= trigger.at`,
		}},
	}
}

// Build a direction in Go rather than YAML and evaluate a history against
// it. 25 Jan 2018 + 3 months is 25 Apr; the request of 23 Mar 2018 is due
// 10 working days later, skipping the weekends and Good Friday (30 Mar)
// and Easter Monday (2 Apr): 10 Apr, and no answer came. The second
// report (25 Jul) is listed as open: its window opened on 25 Apr.
func ExampleNew() {
	d, err := direction.New(spec(), direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		panic(err)
	}
	history := []event.Event{
		{ID: "q1", Type: "report", At: time.Date(2018, time.April, 20, 12, 0, 0, 0, event.London()), Attrs: map[string]any{"from": "council"}},
		{ID: "req", Type: "request", At: time.Date(2018, time.March, 23, 9, 0, 0, 0, event.London()), Attrs: map[string]any{}},
	}
	res, err := evaluator.Evaluate(set, history, evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.April, 30, event.London())})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s #%d due %s: %s\n", f.Obligation, f.Instance, f.Due, f.Status)
	}
	// Output:
	// quarterly-report #1 due 2018-04-25: met
	// quarterly-report #2 due 2018-07-25: open
	// answer-requests #1 due 2018-04-10: missed
}

// A Spec is checked as a file is: every problem comes back in a diag.List
// with the data path of the element, here a misspelt attribute the
// vocabulary does not declare and a Prohibition with a SatisfiedBy. Lines
// and columns are those of the spec's YAML form (Spec.YAML).
func ExampleNew_errors() {
	s := spec()
	s.Obligations[0].SatisfiedBy = `event.type == "report" && event.form == "council"`
	s.Obligations[1].Triggered = nil
	s.Obligations[1].Prohibition = &obligation.ProhibitionSpec{When: `event.type == "request"`}
	_, err := direction.New(s, direction.Options{})
	var list diag.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// spec:25:53: obligations[0].satisfied_by: unknown attribute event.form: no attribute of event type "report" is called "form" (did you mean "from"?)
	// spec:33:7: obligations[1].satisfied_by: a prohibition is breached by events, not discharged: remove satisfied_by
}
