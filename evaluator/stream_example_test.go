package evaluator_test

import (
	"fmt"
	"io"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Stream reads events one at a time (from a file reader, a database
// cursor, a queue) and reports each finding when it is final, so that a
// history of millions of events is never held in memory. Here the events
// come from a slice. The board meetings of 14 Feb, 18 Apr, 20 Jun and 19
// Sep 2018 each needed the Director's progress report by the meeting
// (para 8(d) of Barnet's direction); each came two days before, and the
// report that came before its meeting was held for it. The meeting of
// 28 Sep 2017, before the direction, needed none.
func ExampleStream() {
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
	history = event.Sort(history) // Stream takes events oldest first
	next := func() (*event.Event, error) {
		if len(history) == 0 {
			return nil, io.EOF
		}
		ev := &history[0]
		history = history[1:]
		return ev, nil
	}
	res, err := evaluator.Stream(set, next, evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.September, 30, event.London())},
		func(f evaluator.Finding) {
			if f.Obligation == "dcs-progress-report" {
				fmt.Printf("%s %s: %s\n", f.Trigger.ID, f.Due, f.Reason)
			}
		})
	if err != nil {
		panic(err)
	}
	fmt.Println("events read:", res.Events.Read)
	// Output:
	// bm-2018-02 2018-02-14: for bm-2018-02 on 14 Feb 2018: due 14 Feb 2018; met by dcs-2018-02 on 12 Feb 2018, 2 days early
	// bm-2018-04 2018-04-18: for bm-2018-04 on 18 Apr 2018: due 18 Apr 2018; met by dcs-2018-04 on 16 Apr 2018, 2 days early
	// bm-2018-06 2018-06-20: for bm-2018-06 on 20 Jun 2018: due 20 Jun 2018; met by dcs-2018-06 on 18 Jun 2018, 2 days early
	// bm-2018-09 2018-09-19: for bm-2018-09 on 19 Sep 2018: due 19 Sep 2018; met by dcs-2018-09 on 17 Sep 2018, 2 days early
	// events read: 24
}
