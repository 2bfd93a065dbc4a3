package junitschema

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// rule is what the schema allows one element: its attributes (true when
// required), its child elements, and whether it holds text.
type rule struct {
	attrs    map[string]bool
	children []string
	text     bool
}

// detail is failure, error and skipped: mixed text, optional type and message.
var detail = rule{attrs: map[string]bool{"type": false, "message": false}, text: true}

var rules = map[string]rule{
	"testsuites": {attrs: map[string]bool{"name": false, "time": false, "tests": false, "failures": false, "errors": false},
		children: []string{"testsuite"}},
	"testsuite": {attrs: map[string]bool{"name": true, "tests": true, "failures": true, "errors": true, "group": false, "time": false,
		"skipped": false, "timestamp": false, "hostname": false, "id": false, "package": false, "file": false, "log": false, "url": false},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"}},
	"testcase": {attrs: map[string]bool{"name": true, "time": false, "classname": false, "group": false},
		children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"}},
	"failure":    detail,
	"error":      detail,
	"skipped":    detail,
	"properties": {children: []string{"property"}},
	"property":   {attrs: map[string]bool{"name": true, "value": true}},
	"system-out": {text: true},
	"system-err": {text: true},
}

// surefireTime is the schema's SUREFIRE_TIME pattern, anchored as XSD
// patterns are.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     string
}

func parse(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attrs: map[string]string{}}
			if t.Name.Space != "" {
				return nil, fmt.Errorf("<%s> is in namespace %q; the schema has none", n.name, t.Name.Space)
			}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// Check reports every way data breaks the schema's rules, and any count on
// a testsuite or on testsuites that does not match the testcases under it.
func Check(data []byte) []string {
	root, err := parse(data)
	if err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	var problems []string
	if root.name != "testsuites" && root.name != "testsuite" {
		problems = append(problems, fmt.Sprintf("root element is <%s>, not <testsuites> or <testsuite>", root.name))
	}
	var walk func(n *node, path string)
	walk = func(n *node, path string) {
		path += "/" + n.name
		r, ok := rules[n.name]
		if !ok {
			problems = append(problems, path+": element not in the schema")
			return
		}
		for a := range n.attrs {
			if _, ok := r.attrs[a]; !ok {
				problems = append(problems, fmt.Sprintf("%s: attribute %q not allowed", path, a))
			}
		}
		for a, req := range r.attrs {
			if _, ok := n.attrs[a]; req && !ok {
				problems = append(problems, fmt.Sprintf("%s: required attribute %q missing", path, a))
			}
		}
		if t, ok := n.attrs["time"]; ok && n.name != "testcase" && !surefireTime.MatchString(t) {
			problems = append(problems, fmt.Sprintf("%s: time %q is not a SUREFIRE_TIME", path, t))
		}
		if !r.text && strings.TrimSpace(n.text) != "" {
			problems = append(problems, path+": text not allowed")
		}
		for _, c := range n.children {
			allowed := false
			for _, a := range r.children {
				allowed = allowed || a == c.name
			}
			if !allowed {
				problems = append(problems, fmt.Sprintf("%s: child <%s> not allowed", path, c.name))
				continue
			}
			walk(c, path)
		}
	}
	walk(root, "")
	if len(problems) > 0 {
		return problems
	}
	return append(problems, checkCounts(root, "")...)
}

type counts struct{ tests, failures, errors int }

func tally(n *node) counts {
	var c counts
	for _, ch := range n.children {
		switch ch.name {
		case "testcase":
			c.tests++
			for _, d := range ch.children {
				switch d.name {
				case "failure":
					c.failures++
				case "error":
					c.errors++
				}
			}
		case "testsuite":
			s := tally(ch)
			c.tests, c.failures, c.errors = c.tests+s.tests, c.failures+s.failures, c.errors+s.errors
		}
	}
	return c
}

func checkCounts(n *node, path string) []string {
	path += "/" + n.name
	var problems []string
	c := tally(n)
	for attr, want := range map[string]int{"tests": c.tests, "failures": c.failures, "errors": c.errors} {
		v, ok := n.attrs[attr]
		if !ok {
			continue
		}
		got, err := strconv.Atoi(v)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: %s=%q is not a whole number", path, attr, v))
		case got != want:
			problems = append(problems, fmt.Sprintf("%s: %s=%d but the testcases under it give %d", path, attr, got, want))
		}
	}
	for _, ch := range n.children {
		if ch.name == "testsuite" {
			problems = append(problems, checkCounts(ch, path)...)
		}
	}
	return problems
}
