package schedule_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/report"
	"github.com/dfe-tools/directions/schedule"
)

// ambridge lists Ambridge's deadlines from 1 September to 31 December
// 2018, read as of 30 September 2018, as an embedding program might:
// reading each file once, to parse it and to record its SHA-256.
func ambridge() schedule.Listing {
	const dir = "../examples/national/ambridge/"
	var inputs []report.Input
	read := func(name, kind string) []byte {
		data, err := os.ReadFile(dir + name)
		if err != nil {
			log.Fatal(err)
		}
		inputs = append(inputs, report.NewInput(dir+name, kind, data))
		return data
	}
	d, err := direction.Parse(dir+"direction-2018-03.yaml", read("direction-2018-03.yaml", "direction"), direction.Options{})
	if err != nil {
		log.Fatal(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		log.Fatal(err)
	}
	events, err := event.Parse(dir+"history.yaml", read("history.yaml", "history"), event.Options{Location: d.Location, Vocabulary: direction.VocabularyOf(d)})
	if err != nil {
		log.Fatal(err)
	}
	l := schedule.Listing{
		Council: d.Council, Location: d.Location, Inputs: inputs,
		From:  civil.New(2018, time.September, 1).Start(d.Location),
		Until: civil.New(2018, time.December, 31).End(d.Location),
		AsOf:  evaluator.EndOfDay(2018, time.September, 30, d.Location),
	}
	l.Deadlines, err = evaluator.Schedule(set, events, evaluator.ScheduleOptions{From: l.From, Until: l.Until, Now: l.AsOf})
	if err != nil {
		log.Fatal(err)
	}
	return l
}

// WriteText writes what `directions schedule` prints.
func ExampleWriteText() {
	var b bytes.Buffer
	if err := schedule.WriteText(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	ls := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	fmt.Println(ls[0])
	fmt.Println(ls[len(ls)-2])
	fmt.Println(ls[len(ls)-1])
	// Output:
	// Deadlines from 1 Sep 2018 to 31 Dec 2018 (Europe/London), as of 30 Sep 2018 23:59 BST
	// 5 deadlines: 2 met, 0 met late, 1 overdue, 2 due.
	// 3 of them are other parties' expectations (holder marked "expectation"), tracked but never breaches of the direction.
}

// WriteJSON writes the document `directions schedule --format json`
// writes.
func ExampleWriteJSON() {
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	var doc schedule.Document
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.TimeZone, len(doc.Inputs))
	fmt.Printf("%+v\n", doc.Summary)
	// Output:
	// Europe/London 2
	// {Deadlines:5 Met:2 Late:0 Overdue:1 Due:2 Waived:0 Expectations:3 Indeterminate:0 Possible:0}
}

// WriteICS writes the calendar `directions schedule --format ics` writes.
// ExportedAt is its DTSTAMP: the caller's clock, since the library never
// reads one.
func ExampleWriteICS() {
	var b bytes.Buffer
	opts := schedule.ICSOptions{ExportedAt: time.Date(2018, time.October, 1, 9, 0, 0, 0, time.UTC), Remind: 7}
	if err := schedule.WriteICS(&b, ambridge(), opts); err != nil {
		log.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\r\n") {
		if strings.HasPrefix(l, "SUMMARY:") || strings.HasPrefix(l, "DTSTART") {
			fmt.Println(l)
		}
	}
	// Output:
	// DTSTART;VALUE=DATE:20180901
	// SUMMARY:Met: 8(e) adviser-six-monthly-review (ambridge-2018-03)
	// DTSTART;VALUE=DATE:20180901
	// SUMMARY:Met: 8(f) chair-quarterly-report (ambridge-2018-03)
	// DTSTART;VALUE=DATE:20180901
	// SUMMARY:OVERDUE: Annex A 3 adviser-reports-to-dfe (ambridge-2018-03)
	// DTSTART;VALUE=DATE:20181201
	// SUMMARY:Due: 8(f) chair-quarterly-report (ambridge-2018-03)
	// DTSTART;VALUE=DATE:20181201
	// SUMMARY:Due: Annex A 3 adviser-reports-to-dfe (ambridge-2018-03)
}
