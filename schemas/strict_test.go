package schemas_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/schemas"
)

// Every schema must compile under a strict draft 2020-12 reading, as ajv's
// strict mode applies it (and as it was checked with ajv 8 when written):
// no keyword outside the 2020-12 vocabularies, no union types, every
// required name declared in the same schema's properties, and keywords for
// one type (properties, items, pattern, minimum...) only where that type is
// declared in the schema or the schema it applies alongside.

var keywords = []string{
	// core and applicators
	"$schema", "$id", "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment",
	"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items", "contains",
	"properties", "patternProperties", "additionalProperties", "propertyNames",
	"unevaluatedItems", "unevaluatedProperties",
	// validation
	"type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
	"maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
	"maxProperties", "minProperties", "required", "dependentRequired",
	// annotations, format, content
	"title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "format",
	"contentEncoding", "contentMediaType", "contentSchema",
}

var typeOf = map[string]string{
	"properties": "object", "required": "object", "additionalProperties": "object", "patternProperties": "object",
	"propertyNames": "object", "minProperties": "object", "maxProperties": "object", "dependentRequired": "object",
	"items": "array", "prefixItems": "array", "minItems": "array", "maxItems": "array", "uniqueItems": "array", "contains": "array",
	"pattern": "string", "minLength": "string", "maxLength": "string",
	"minimum": "number", "maximum": "number", "exclusiveMinimum": "number", "exclusiveMaximum": "number", "multipleOf": "number",
}

// strictProblems walks a schema; inherited is the type declared by the
// schema this one applies alongside (through allOf, anyOf, oneOf, not, if,
// then, else), which ajv accepts in place of a type of its own.
func strictProblems(v any, path, inherited string) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil // true, false
	}
	var out []string
	typ := inherited
	switch t := m["type"].(type) {
	case string:
		typ = t
	case []any:
		out = append(out, fmt.Sprintf("%s: union type %v (ajv strict: allowUnionTypes)", path, t))
	}
	for k := range m {
		if !slices.Contains(keywords, k) {
			out = append(out, fmt.Sprintf("%s: unknown keyword %q", path, k))
		}
		if want, ok := typeOf[k]; ok {
			if typ != want && !(want == "number" && typ == "integer") {
				out = append(out, fmt.Sprintf("%s: %q applies to %s but the schema declares no type %q", path, k, want, want))
			}
		}
	}
	if req, ok := m["required"].([]any); ok {
		props, _ := m["properties"].(map[string]any)
		for _, r := range req {
			if _, ok := props[r.(string)]; !ok {
				out = append(out, fmt.Sprintf("%s: required %q is not in properties (ajv strictRequired)", path, r))
			}
		}
	}
	for _, k := range []string{"properties", "patternProperties", "$defs", "dependentSchemas"} {
		if sub, ok := m[k].(map[string]any); ok {
			for name, s := range sub {
				out = append(out, strictProblems(s, path+"/"+k+"/"+name, "")...)
			}
		}
	}
	for _, k := range []string{"additionalProperties", "propertyNames", "items", "contains", "unevaluatedItems", "unevaluatedProperties"} {
		if s, ok := m[k]; ok {
			out = append(out, strictProblems(s, path+"/"+k, "")...)
		}
	}
	for _, k := range []string{"not", "if", "then", "else"} {
		if s, ok := m[k]; ok {
			out = append(out, strictProblems(s, path+"/"+k, typ)...)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := m[k].([]any); ok {
			for i, s := range list {
				out = append(out, strictProblems(s, fmt.Sprintf("%s/%s/%d", path, k, i), typ)...)
			}
		}
	}
	if list, ok := m["prefixItems"].([]any); ok {
		for i, s := range list {
			out = append(out, strictProblems(s, fmt.Sprintf("%s/prefixItems/%d", path, i), "")...)
		}
	}
	return out
}

func TestSchemasAreStrict(t *testing.T) {
	files, err := fs.Glob(schemas.FS(), "*.schema.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 8)
	for _, f := range files {
		data, err := fs.ReadFile(schemas.FS(), f)
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, json.Unmarshal(data, &v), f)
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", v["$schema"], f)
		assert.Empty(t, strictProblems(v, f+"#", ""), f)
	}
}

// The strict check can fail: each of these breaks one rule.
func TestStrictCheckRejects(t *testing.T) {
	for _, src := range []string{
		`{"type": ["string", "object"]}`,
		`{"type": "object", "required": ["a"]}`,
		`{"properties": {"a": true}}`,
		`{"type": "object", "propertys": {}}`,
		`{"type": "object", "oneOf": [{"required": ["a"]}]}`,
		`{"type": "string", "properties": {"a": {"type": "array", "pattern": "x"}}}`,
	} {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(src), &v))
		assert.NotEmpty(t, strictProblems(v, "#", ""), src)
	}
}
