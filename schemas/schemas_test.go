package schemas_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/schemas"
)

const base = "https://github.com/dfe-tools/directions/schemas/"

// compile loads the three schemas from the embedded files.
func compile(t *testing.T) map[workspace.Kind]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, name := range []string{"direction.schema.json", "events.schema.json", "scenario.schema.json", "vocabulary.schema.json"} {
		data, err := fs.ReadFile(schemas.FS(), name)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		require.NoError(t, err, name)
		require.NoError(t, c.AddResource(base+name, doc), name)
	}
	out := map[workspace.Kind]*jsonschema.Schema{}
	for kind, name := range map[workspace.Kind]string{
		workspace.Direction: "direction.schema.json", workspace.History: "events.schema.json", workspace.Scenario: "scenario.schema.json",
		workspace.Vocabulary: "vocabulary.schema.json", workspace.WhatIf: "direction.schema.json",
	} {
		s, err := c.Compile(base + name)
		require.NoError(t, err, name)
		out[kind] = s
	}
	return out
}

// native reads YAML as JSON-compatible values (dates stay strings, as the
// loaders read them).
func native(t *testing.T, name string, src []byte) any {
	t.Helper()
	doc := yamlx.Parse(name, src, yamlx.Limits{})
	require.NotNil(t, doc.Root, "%s: %v", name, doc.Errs.Err())
	v, ok := doc.Native(doc.Root, "")
	require.True(t, ok, "%s: %v", name, doc.Errs.Err())
	return v
}

func TestShippedExamplesValidate(t *testing.T) {
	sch := compile(t)
	names, err := workspace.Expand([]string{"../examples"})
	require.NoError(t, err)
	counts := map[workspace.Kind]int{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		kind := workspace.Classify(name, data)
		if kind == workspace.WhatIf {
			kind = workspace.Direction // a supposed direction for scenarios
		}
		s, ok := sch[kind]
		if !ok {
			t.Errorf("%s: a %s file has no schema", name, kind)
			continue
		}
		ext := strings.ToLower(filepath.Ext(name))
		if ext != ".yaml" && ext != ".yml" {
			t.Errorf("%s: only YAML examples are expected; teach this test the %s format", name, ext)
			continue
		}
		counts[kind]++
		if err := s.Validate(native(t, name, data)); err != nil {
			t.Errorf("%s does not match the %s schema:\n%v", name, kind, err)
		}
	}
	assert.Positive(t, counts[workspace.Direction], "direction files checked")
	assert.Positive(t, counts[workspace.History], "history files checked")
	assert.GreaterOrEqual(t, counts[workspace.Scenario], 7, "scenario files checked")
	assert.Positive(t, counts[workspace.Vocabulary], "vocabulary files checked")
}

// The schemas reject the mistakes they are there to catch while typing.
func TestSchemasRejectMistakes(t *testing.T) {
	sch := compile(t)
	obligation := func(extra string) string {
		return "id: d\ntitle: t\ncouncil: c\nissued_by: s\nissued: 2018-01-25\nobligations:\n  - {id: o, clause: '1', holder: c, summary: s, source: s" + extra + "}\n"
	}
	for _, tc := range []struct {
		kind workspace.Kind
		src  string
		ok   bool
	}{
		{workspace.Direction, obligation(", recurring: {every: 3 months}, satisfied_by: 'true'"), true},
		{workspace.Direction, obligation(", recurring: {every: 3 months}, satisfied_by: 'true', obligatons: []"), false},
		{workspace.Direction, obligation(", recurring: {every: 3 months}, once: {date: 2018-05-31}, satisfied_by: 'true'"), false},
		{workspace.Direction, obligation(", prohibition: {when: 'true'}, satisfied_by: 'true'"), false},
		{workspace.Direction, obligation(", triggered: {when: 'true', due: trigger.at}"), false},
		{workspace.Direction, obligation(", once: {date: 31 May 2018}, satisfied_by: 'true'"), false},
		{workspace.Vocabulary, "event_types:\n  report: {from: string, due: date}\n  visit:\n", true},
		{workspace.Vocabulary, "event_types:\n  report: {from: text}\n", false},
		{workspace.Vocabulary, "event_types:\n  report: {at: date}\n", false},
		{workspace.Vocabulary, "event_type:\n  report: {}\n", false},
		{workspace.History, "events:\n  - {id: a, type: report, at: 2018-04-20}\n", true},
		{workspace.History, "- {id: a, type: report, at: '2018-04-25T23:30:00+01:00'}\n", true},
		{workspace.History, "- {id: a, type: report}\n", false},
		{workspace.History, "- {id: a, type: report, at: 20 April 2018}\n", false},
		{workspace.Scenario, "scenarios:\n  - {name: n, as_of: 2018-09-30, events: [], expect: {findings: [{clause: 8(f), instance: 1, status: met}]}}\n", true},
		{workspace.Scenario, "scenarios:\n  - {name: n, as_of: 2018-09-30, expect: {findings: [{clause: 8(f), status: met}]}}\n", false},
		{workspace.Scenario, "scenarios:\n  - {name: n, as_of: 2018-09-30, expect: {findings: [{clause: 8(f), instance: 1, status: done}]}}\n", false},
		{workspace.Scenario, "scenarios:\n  - {name: n, as_off: 2018-09-30, expect: {breaches: 0}}\n", false},
		{workspace.Scenario, "scenarios:\n  - {name: n, as_of: 2018-09-30, expect: {}}\n", false},
	} {
		err := sch[tc.kind].Validate(native(t, "case.yaml", []byte(tc.src)))
		if tc.ok {
			assert.NoError(t, err, "%s: %s", tc.kind, tc.src)
		} else {
			assert.Error(t, err, "%s: %s", tc.kind, tc.src)
		}
	}
}

// Every shipped YAML file (direction, history, scenario, vocabulary) names
// its schema for editors, by a path that exists.
func TestShippedFilesNameTheirSchema(t *testing.T) {
	files, err := workspace.Expand([]string{"../examples"})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	want := map[workspace.Kind]string{
		workspace.Direction: "direction.schema.json", workspace.History: "events.schema.json",
		workspace.Scenario: "scenario.schema.json", workspace.Vocabulary: "vocabulary.schema.json",
		workspace.WhatIf: "direction.schema.json",
	}
	re := regexp.MustCompile(`(?m)^# yaml-language-server: \$schema=(\S+)$`)
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".yaml" && ext != ".yml" {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		kind := workspace.Classify(f, data)
		m := re.FindSubmatch(data)
		if !assert.NotNil(t, m, "%s has no yaml-language-server comment", f) {
			continue
		}
		target := filepath.Join(filepath.Dir(f), string(m[1]))
		assert.Equal(t, filepath.Clean(filepath.Join("../schemas", want[kind])), filepath.Clean(target), f)
		_, err = os.Stat(target)
		assert.NoError(t, err, fmt.Sprintf("%s names a schema that does not exist", f))
	}
}
