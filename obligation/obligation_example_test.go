package obligation_test

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/obligation"
)

// Periods are written as a number and a unit, or as a word.
func ExampleParsePeriod() {
	for _, s := range []string{"3 months", "quarterly", "2 weeks", "1 year", "fortnightly"} {
		p, err := obligation.ParsePeriod(s)
		if err != nil {
			fmt.Println("error:", s)
			continue
		}
		fmt.Printf("%s = %s\n", s, p)
	}
	// Output:
	// 3 months = 3 months
	// quarterly = 3 months
	// 2 weeks = 2 weeks
	// 1 year = 12 months
	// error: fortnightly
}

// DueDate gives each due date of a recurring obligation and says how it
// was reached. Reports every month from 31 January 2018 clamp to the
// month's last day, each counted from the anchor, so that a short month
// does not pull the later dates back.
func ExampleObligation_DueDate() {
	d, err := direction.New(direction.Spec{
		ID: "monthly", Title: "Monthly returns", Council: "council", IssuedBy: "sos",
		Issued:  civil.New(2018, time.January, 31),
		Parties: []direction.Party{{ID: "council", Name: "A council"}, {ID: "sos", Name: "Secretary of State"}},
		Obligations: []obligation.Spec{{
			ID: "monthly-return", Clause: "3", Holder: "council", Summary: "A return every month.", Source: "an example",
			Recurring:   &obligation.RecurringSpec{Every: obligation.Period{N: 1, Unit: obligation.Months}},
			SatisfiedBy: `event.type == "return"`,
		}},
	}, direction.Options{})
	if err != nil {
		panic(err)
	}
	o := d.Obligation("monthly-return")
	for k := 1; k <= 3; k++ {
		due, basis := o.DueDate(k)
		fmt.Println(due, "-", basis)
	}
	// Output:
	// 2018-02-28 - 31 Jan 2018 (the direction's date) + 1 month = 28 Feb 2018 (the February has no day 31, so the month's last day)
	// 2018-03-31 - 31 Jan 2018 (the direction's date) + 1 month + 1 × 1 month = 31 Mar 2018
	// 2018-04-30 - 31 Jan 2018 (the direction's date) + 1 month + 2 × 1 month = 30 Apr 2018 (the April has no day 31, so the month's last day)
}
