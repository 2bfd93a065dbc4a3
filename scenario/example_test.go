package scenario_test

import (
	"fmt"
	"os"
	"strings"

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

// WriteOutcome and WriteSummary write the console report of `directions
// test`, WriteJUnit its --junit XML, from the same outcomes.
func ExampleWriteSummary() {
	var outcomes []*scenario.Outcome
	for _, name := range []string{"../examples/barnet/scenarios/commissioner-report.yaml", "testdata/no-such-file.yaml"} {
		f, err := scenario.Load(name)
		if err != nil {
			outcomes = append(outcomes, scenario.NotLoaded(name, err))
			continue
		}
		for _, s := range f.Scenarios {
			outcomes = append(outcomes, s.Run())
		}
	}
	_ = scenario.WriteOutcome(os.Stdout, outcomes[0])
	_ = scenario.WriteOutcome(os.Stdout, outcomes[len(outcomes)-1])
	_ = scenario.WriteSummary(os.Stdout, outcomes, 2)
	var junit strings.Builder
	_ = scenario.WriteJUnit(&junit, outcomes)
	fmt.Println(strings.Split(junit.String(), "\n")[1])
	// Output:
	// ok    ../examples/barnet/scenarios/commissioner-report.yaml:15  the Commissioner's report on 31 May 2018, the last day allowed
	// FAIL  testdata/no-such-file.yaml  [invalid file]
	// FAIL: 1 of 2 files invalid (each counted as one scenario in error)
	// <testsuites name="directions scenarios" tests="7" failures="0" errors="1">
}
