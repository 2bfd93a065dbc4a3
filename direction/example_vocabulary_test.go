package direction_test

import (
	"errors"
	"fmt"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
)

// A direction that declares its event vocabulary has its expressions
// checked against it: a misspelt attribute is an error at load, at the
// misspelt name, instead of a condition that is never true.
func ExampleParse_vocabulary() {
	src := `id: d
title: t
council: c
issued_by: c
issued: 2018-01-25
parties: {c: {name: Example Council}}
vocabulary:
  event_types:
    report: {from: string, to: string, kind: string}
obligations:
  - id: quarterly-report
    clause: 8(f)
    holder: c
    summary: The council reports every quarter.
    source: example
    recurring: {every: 3 months}
    satisfied_by: event.type == "report" && event.form == "c"
`
	_, err := direction.Parse("d.yaml", []byte(src), direction.Options{})
	var list diag.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e.Pos)
			fmt.Println(e.Msg)
		}
	}
	// Output:
	// d.yaml:17:51
	// unknown attribute event.form: no attribute of event type "report" is called "form" (did you mean "from"?)
}
