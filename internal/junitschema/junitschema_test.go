package junitschema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The checker must be able to say no: each of these breaks one rule.
func TestCheckRejects(t *testing.T) {
	for name, c := range map[string]struct{ xml, want string }{
		"file on testcase": {`<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="a" file="x.yaml"/></testsuite></testsuites>`, `/testsuites/testsuite/testcase: attribute "file" not allowed`},
		"line on testcase": {`<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="a" line="3"/></testsuite></testsuites>`, `attribute "line" not allowed`},
		"no name":          {`<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="a"/></testsuite></testsuites>`, `required attribute "name" missing`},
		"suite no tests":   {`<testsuites><testsuite name="s" failures="0" errors="0"/></testsuites>`, `required attribute "tests" missing`},
		"unknown child":    {`<testsuites><testsuite name="s" tests="0" failures="0" errors="0"><case/></testsuite></testsuites>`, "child <case> not allowed"},
		"bad time":         {`<testsuites time="1.5s"/>`, `time "1.5s" is not a SUREFIRE_TIME`},
		"counts":           {`<testsuites tests="2" failures="0" errors="0"><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="a"><failure/></testcase></testsuite></testsuites>`, "failures=0 but the testcases under it give 1"},
		"total":            {`<testsuites tests="2" failures="0" errors="0"><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="a"/></testsuite></testsuites>`, "/testsuites: tests=2 but the testcases under it give 1"},
	} {
		problems := Check([]byte(c.xml))
		assert.NotEmpty(t, problemWith(problems, c.want), "%s: %v", name, problems)
	}
	assert.Empty(t, Check([]byte(`<?xml version="1.0"?><testsuites name="x" tests="1" failures="1" errors="0"><testsuite name="s" file="a.yaml" tests="1" failures="1" errors="0"><testcase name="a" classname="a"><failure message="m" type="t">text</failure></testcase></testsuite></testsuites>`)))
}

func problemWith(problems []string, sub string) string {
	for _, p := range problems {
		if strings.Contains(p, sub) {
			return p
		}
	}
	return ""
}
