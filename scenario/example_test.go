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
	// ok   line 15: the Commissioner's report on 31 May 2018, the last day allowed
	// ok   line 26: the Commissioner's report a day after the end of May is her expectation unmet, not Barnet's breach
	// ok   line 38: the Commissioner's report the day before the end of May
	// ok   line 49: one second before the deadline, a missing report is still open
	// ok   line 59: with no report, the day after the deadline it is missed, and still no breach by Barnet
	// ok   line 68: a report to the Minister of State does not meet Annex B 3, which names the Secretary of State
}
