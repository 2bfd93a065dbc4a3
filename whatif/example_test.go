package whatif_test

import (
	"fmt"

	"github.com/dfe-tools/directions/whatif"
)

// printer stands in for *testing.T in the example, printing failures.
type printer struct{}

func (printer) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (printer) FailNow()                          { panic("test stopped") }
func (printer) Helper()                           {}

// What if the Chair's first quarterly report under the Barnet direction of
// 25 January 2018 were two weeks late?
func Example() {
	var t printer // in a test: the *testing.T
	c := whatif.Load(t, "../examples/barnet/direction-2018-01.yaml")
	c.Report("chair-q1", whatif.Days(14).After(whatif.FirstDue("8(f)")), "board-chair", "secretary-of-state", "progress")
	r := c.AsOf(whatif.On("2018-05-31"))

	r.Instance("8(f)", 1).Late(14).Due("2018-04-25")
	fmt.Println(r.Instance("8(f)", 1).Finding().Reason)
	// Output:
	// due 25 Apr 2018; met by chair-q1 on 9 May 2018, 14 days late
}
