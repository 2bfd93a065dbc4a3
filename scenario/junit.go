package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// JUnit XML, in the shape CI systems (Jenkins, GitLab, GitHub test
// reporters) read and valid against the Jenkins/Ant JUnit schema
// (junit-10.xsd): one testsuite per scenario file, carrying the file; one
// testcase per scenario, with only the attributes the schema allows (name,
// classname), its line given in the failure or error text instead. Times
// are left out so that the output is reproducible.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	File     string      `xml:"file,attr,omitempty"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes outcomes as JUnit XML, grouped by scenario file in the
// order the outcomes come.
func WriteJUnit(w io.Writer, outcomes []*Outcome) error {
	root := junitSuites{Name: "directions scenarios"}
	index := map[string]int{}
	for _, o := range outcomes {
		file := o.Scenario.Pos.File
		i, ok := index[file]
		if !ok {
			i = len(root.Suites)
			index[file] = i
			root.Suites = append(root.Suites, junitSuite{Name: filepath.ToSlash(file), File: filepath.ToSlash(file)})
		}
		s := &root.Suites[i]
		c := junitCase{Name: o.Scenario.Name, Classname: classname(file)}
		at := filepath.ToSlash(file)
		if o.Scenario.Pos.Line > 0 {
			at = fmt.Sprintf("%s:%d", at, o.Scenario.Pos.Line)
		}
		switch {
		case o.Err != nil:
			c.Error = &junitProblem{Message: "evaluation failed", Type: "error", Text: at + "\n" + o.Err.Error()}
			s.Errors++
			root.Errors++
		case len(o.Failures) > 0:
			var b strings.Builder
			b.WriteString(at + "\n")
			for _, f := range o.Failures {
				b.WriteString(f.String())
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("%d expectation%s not met", len(o.Failures), plural(len(o.Failures))), Type: "expectation", Text: b.String()}
			s.Failures++
			root.Failures++
		}
		s.Tests++
		root.Tests++
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// classname turns examples/barnet/scenarios/quarterly.yaml into
// examples.barnet.scenarios.quarterly, as JUnit readers group by dots.
func classname(file string) string {
	s := strings.TrimSuffix(filepath.ToSlash(file), filepath.Ext(file))
	s = strings.TrimLeft(s, "./")
	return strings.ReplaceAll(s, "/", ".")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
