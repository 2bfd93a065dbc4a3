package scenario_test

import (
	"fmt"

	"github.com/dfe-tools/directions/scenario"
)

func Example() {
	f, err := scenario.Load("../examples/barnet/scenarios/commissioner-report.yaml")
	if err != nil {
		fmt.Println(err) // a diag.List: every problem at file:line:col
		return
	}
	for _, s := range f.Scenarios {
		o := s.Run()
		fmt.Printf("%-4s line %d: %s\n", map[bool]string{true: "ok", false: "FAIL"}[o.Passed()], s.Pos.Line, s.Name)
		for _, fl := range o.Failures {
			fmt.Print(fl)
		}
	}
	// Output:
	// ok   line 11: the Commissioner's report on 31 May 2018, the last day allowed
	// ok   line 21: the Commissioner's report a day after the end of May
	// ok   line 31: the Commissioner's report the day before the end of May
	// ok   line 41: one second before the deadline, a missing report is still open
	// ok   line 50: with no report, the day after the deadline it is missed
}
