package civil_test

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/civil"
)

// Month arithmetic clamps to the month's end, as statutory periods do:
// a month after 31 January is the last day of February, 29 February in a
// leap year. time.AddDate would give 3 March (or 2 March in 2020).
func ExampleDate_AddMonths() {
	jan31 := civil.New(2018, time.January, 31)
	fmt.Println(jan31.AddMonths(1))
	fmt.Println(civil.New(2020, time.January, 31).AddMonths(1))
	fmt.Println(jan31.AddMonths(3)) // April has no 31st
	// Output:
	// 2018-02-28
	// 2020-02-29
	// 2018-04-30
}

// A deadline is the end of its day in the direction's time zone: in
// British Summer Time that is 23:59:59.999999999 BST, a nanosecond before
// the next day begins; anything at or before it meets the deadline.
func ExampleDate_End() {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	due := civil.New(2018, time.April, 25)
	end := due.End(london)
	fmt.Println(end.Format("2006-01-02 15:04:05 MST"))
	fmt.Println(end.UTC().Format(time.RFC3339))
	fmt.Println(civil.In(end.Add(time.Nanosecond), london).Long())
	// Output:
	// 2018-04-25 23:59:59 BST
	// 2018-04-25T22:59:59Z
	// 26 Apr 2018
}
