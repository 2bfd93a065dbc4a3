package explain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/report"
)

// ambridge explains Ambridge's clause 8(f), the chair's quarterly report,
// as of 30 September 2018, loading the files as an embedding program
// might: reading each once, to parse it and to record its SHA-256.
func ambridge() *explain.Explanation {
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
	targets := explain.Find(set, "chair-quarterly-report")
	if len(targets) == 0 {
		log.Fatalf("no such obligation; there are %s", strings.Join(explain.ObligationIDs(set), ", "))
	}
	ex, err := explain.Explain(set, events, targets, explain.Options{AsOf: evaluator.EndOfDay(2018, time.September, 30, d.Location), Inputs: inputs})
	if err != nil {
		log.Fatal(err)
	}
	return ex
}

// WriteText writes what `directions explain` prints.
func ExampleWriteText() {
	var b bytes.Buffer
	if err := explain.WriteText(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n")[2:4] {
		fmt.Println(l)
	}
	// Output:
	// Clause 8(f) of ambridge-2018-03, "Statutory direction to Ambridge Borough Council in relation to children's social services (fictional)"
	//   The direction is in force from 1 Mar 2018 (in force until revoked).
}

// WriteJSON writes the document `directions explain --format json`
// writes.
func ExampleWriteJSON() {
	var b bytes.Buffer
	if err := explain.WriteJSON(&b, ambridge()); err != nil {
		log.Fatal(err)
	}
	var doc explain.Explanation
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		log.Fatal(err)
	}
	for _, o := range doc.Obligations {
		for _, in := range o.Instances {
			fmt.Println(o.Clause, in.Number, in.Due, in.Status)
		}
	}
	// Output:
	// 8(f) 1 2018-06-01 met
	// 8(f) 2 2018-09-01 met
	// 8(f) 3 2018-12-01 open
}
