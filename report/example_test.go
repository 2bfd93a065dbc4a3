package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/report"
)

// ambridge loads a council's direction and history the way an embedding
// program might (reading each file once, to parse it and to record its
// SHA-256), evaluates them as of 30 September 2018, and returns what the
// writers read.
func ambridge() report.Council {
	const dir = "../examples/national/ambridge/"
	read := func(name, kind string) ([]byte, report.Input) {
		data, err := os.ReadFile(dir + name)
		if err != nil {
			log.Fatal(err)
		}
		return data, report.NewInput(dir+name, kind, data)
	}
	data, dirInput := read("direction-2018-03.yaml", "direction")
	d, err := direction.Parse(dirInput.Path, data, direction.Options{})
	if err != nil {
		log.Fatal(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		log.Fatal(err)
	}
	data, histInput := read("history.yaml", "history")
	events, err := event.Parse(histInput.Path, data, event.Options{Location: d.Location, Vocabulary: direction.VocabularyOf(d)})
	if err != nil {
		log.Fatal(err)
	}
	res, err := evaluator.Evaluate(set, events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.September, 30, d.Location)})
	if err != nil {
		log.Fatal(err)
	}
	return report.Council{Name: "ambridge", Folder: strings.TrimSuffix(dir, "/"), Set: set, Inputs: []report.Input{dirInput, histInput}, Result: res}
}

// lines prints lines first to last (counted from 0; negative from the
// end) of s, without trailing blanks.
func lines(s string, first, last int) {
	ls := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if first < 0 {
		first += len(ls)
	}
	if last < 0 {
		last += len(ls)
	}
	for _, l := range ls[first : last+1] {
		fmt.Println(strings.TrimRight(l, " "))
	}
}

// WriteText writes what `directions check` prints for one council: a
// table per direction, then the counts.
func ExampleWriteText() {
	var b bytes.Buffer
	if err := report.WriteText(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	lines(b.String(), 0, 0)
	lines(b.String(), -2, -1)
	// Output:
	// As of 30 Sep 2018 23:59 BST (Europe/London)
	// 11 findings: 7 met, 0 late, 1 missed, 3 open, 0 breached by an event; 0 breaches of the council's duties; 1 expectation of others not met.
	// 10 events read: 10 used, 0 irrelevant, 0 after the as-of time.
}

// WriteJSON writes the document `directions check --format json` writes:
// the result, the engine version and each input's SHA-256.
func ExampleWriteJSON() {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	var doc report.Check
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		log.Fatal(err)
	}
	for _, in := range doc.Inputs {
		fmt.Println(in.Kind, in.Path, len(in.SHA256))
	}
	fmt.Printf("%+v\n", doc.Summary)
	// Output:
	// direction ../examples/national/ambridge/direction-2018-03.yaml 64
	// history ../examples/national/ambridge/history.yaml 64
	// {Findings:11 Met:7 Late:0 Missed:1 Open:3 Breached:0 Waived:0 ExpectationsUnmet:1 Indeterminate:0 Possible:0 Breaches:0}
}

// WriteBatchText writes what `directions check` prints for a tree of
// councils: a row each, then each council's findings. WriteBatchJSON,
// WriteCSV and WriteCSVSummary take many councils too.
func ExampleWriteBatchText() {
	var b bytes.Buffer
	if err := report.WriteBatchText(&b, []report.Council{ambridge()}); err != nil {
		log.Fatal(err)
	}
	lines(b.String(), 0, 4)
	// Output:
	// 1 council as of 30 Sep 2018 23:59 BST (Europe/London)
	//
	// COUNCIL   IN FORCE  DUE  MET  LATE  MISSED  OPEN  BREACHED  BREACHES  OTHERS UNMET  NEXT DEADLINE
	// ambridge  1         8    7    0     1       3     0         0         1             1 Dec 2018 (8(f))
	// total     1         8    7    0     1       3     0         0         1
}

// WriteCSVSummary writes one row per council, WriteCSV one per finding:
// one table each, with one header row.
func ExampleWriteCSVSummary() {
	if err := report.WriteCSVSummary(os.Stdout, []report.Council{ambridge()}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// council,folder,directions_in_force,due,met,late,missed,open,breached,breaches,next_deadline,next_clause,next_direction,error,expectations_unmet,indeterminate,possible,next_assumed,not_generated
	// ambridge,../examples/national/ambridge,1,8,7,0,1,3,0,0,2018-12-01,8(f),ambridge-2018-03,,1,0,0,,0
}

func ExampleWriteCSV() {
	var b bytes.Buffer
	if err := report.WriteCSV(&b, []report.Council{ambridge()}); err != nil {
		log.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows[:3] {
		fmt.Println(strings.Join(r[:9], ","))
	}
	// Output:
	// council,direction,obligation,clause,holder,kind,instance,status,due
	// ambridge,ambridge-2018-03,adviser-access,8(b),ambridge,triggered,1,met,2018-03-27
	// ambridge,ambridge-2018-03,dcs-progress-report,8(d),ambridge,triggered,1,met,2018-04-11
}

// WriteHTML writes the page `directions report` writes: one
// self-contained file, a timeline per direction.
func ExampleWriteHTML() {
	var b bytes.Buffer
	if err := report.WriteHTML(&b, []report.Council{ambridge()}); err != nil {
		log.Fatal(err)
	}
	page := b.String()
	fmt.Println(strings.HasPrefix(page, "<!DOCTYPE html>"), strings.Contains(page, "<svg"))
	// Output:
	// true true
}
