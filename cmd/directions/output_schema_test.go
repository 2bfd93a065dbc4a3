package main

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/schemas"
)

// outputSchema compiles one of the output schemas, with every schema file
// available for $ref.
func outputSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	const base = "https://github.com/dfe-tools/directions/schemas/"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, err := fs.Glob(schemas.FS(), "*.schema.json")
	require.NoError(t, err)
	for _, f := range files {
		data, err := fs.ReadFile(schemas.FS(), f)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		require.NoError(t, err, f)
		require.NoError(t, c.AddResource(base+f, doc), f)
	}
	s, err := c.Compile(base + name)
	require.NoError(t, err, name)
	return s
}

func validateOutput(t *testing.T, s *jsonschema.Schema, out string) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	assert.NoError(t, s.Validate(doc))
}

func TestBatchJSONMatchesSchema(t *testing.T) {
	s := outputSchema(t, "check-batch-output.schema.json")
	out, _, _ := runCLI("check", "--as-of", "2018-09-30", "--format", "json", national)
	validateOutput(t, s, out)
	// The schema can fail: a council with neither report nor error.
	bad := strings.Replace(out, `"report": {`, `"reportx": {`, 1)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	require.NoError(t, err)
	assert.Error(t, s.Validate(doc))
}

func TestExplainJSONMatchesSchema(t *testing.T) {
	s := outputSchema(t, "explain-output.schema.json")
	for _, obl := range []string{"chair-quarterly-report", "adviser-access", "adviser-refusal", "dcs-progress-report"} {
		out, errs, code := runCLI("explain", "--format", "json", "--as-of", "2018-09-30", "--obligation", obl, national+"/casterbridge")
		require.Equal(t, exitOK, code, errs)
		validateOutput(t, s, out)
	}
}

func TestCheckJSONMatchesSchema(t *testing.T) {
	s := outputSchema(t, "check-output.schema.json")
	for _, dir := range []string{"../../examples/barnet", "../../examples/buckinghamshire", "testdata/check/breach", "testdata/check/uncertain"} {
		code, out, errs := cli("check", "--as-of", "2018-08-01", "--format", "json", dir)
		require.NotEqual(t, exitInvalid, code, errs)
		validateOutput(t, s, out)
	}
	// Extended and waived findings, and the explanation of them.
	es := outputSchema(t, "explain-output.schema.json")
	for _, h := range []string{"before", "after", "waiver"} {
		args := []string{"../../examples/barnet/direction-2018-01.yaml", "testdata/extensions/" + h + ".yaml"}
		code, out, errs := cli(append([]string{"check", "--as-of", "2018-09-30", "--format", "json"}, args...)...)
		require.NotEqual(t, exitInvalid, code, errs) // other clauses have no events here
		require.Regexp(t, `"(original_due|waiver)"`, out)
		validateOutput(t, s, out)
		code, out, errs = cli(append([]string{"explain", "--as-of", "2018-09-30", "--format", "json", "--obligation", "chair-quarterly-report"}, args...)...)
		require.Equal(t, exitOK, code, errs)
		validateOutput(t, es, out)
	}
	// The schema can fail: a status the engine never gives.
	_, out, _ := cli("check", "--as-of", "2018-08-01", "--format", "json", "testdata/check/breach")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(out, `"status": "late"`, `"status": "tardy"`, 1)))
	require.NoError(t, err)
	assert.Error(t, s.Validate(doc))
}

func TestScheduleJSONMatchesSchema(t *testing.T) {
	s := outputSchema(t, "schedule-output.schema.json")
	for _, dir := range []string{"../../examples/barnet", national} {
		code, out, errs := cli("schedule", "--as-of", "2018-09-30", "--from", "2018-01-01", "--until", "2018-12-31", "--format", "json", dir)
		require.Equal(t, exitOK, code, errs)
		validateOutput(t, s, out)
	}
	// The schema can fail: a state the engine never gives.
	_, out, _ := cli("schedule", "--as-of", "2018-09-30", "--from", "2018-01-01", "--until", "2018-12-31", "--format", "json", "../../examples/barnet")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(out, `"state": "met"`, `"state": "done"`, 1)))
	require.NoError(t, err)
	assert.Error(t, s.Validate(doc))
}
