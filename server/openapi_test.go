package server

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenAPIMatchesRoutes keeps openapi.json in step with the handlers:
// every registered route is documented, nothing else is, the public ones
// need no token, every path parameter is declared, and every operation
// that reads a council documents the 404 that hides other councils.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(OpenAPI(), &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3.1."), doc.OpenAPI)

	var documented, registered []string
	for path, item := range doc.Paths {
		var params []struct{ Name, In string }
		if raw, ok := item["parameters"]; ok {
			require.NoError(t, json.Unmarshal(raw, &params))
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
			var op struct {
				Security   *[]any `json:"security"`
				Parameters []struct{ Name, In string }
				Responses  map[string]any
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			for _, seg := range strings.Split(path, "/") {
				if name, ok := strings.CutPrefix(seg, "{"); ok {
					name = strings.TrimSuffix(name, "}")
					found := slices.ContainsFunc(append(params, op.Parameters...), func(p struct{ Name, In string }) bool { return p.Name == name && p.In == "path" })
					assert.True(t, found, "%s %s: path parameter %s is not declared", method, path, name)
				}
			}
			public := op.Security != nil && len(*op.Security) == 0
			for _, rt := range Routes() {
				if rt.Method+" "+rt.Pattern == strings.ToUpper(method)+" "+path {
					assert.Equal(t, rt.Public, public, "%s %s: public in the code is not public in the document", method, path)
				}
			}
			if !public {
				assert.Contains(t, op.Responses, "401", "%s %s", method, path)
			}
			if strings.Contains(path, "{council}") {
				assert.Contains(t, op.Responses, "404", "%s %s", method, path)
			}
		}
	}
	for _, rt := range Routes() {
		registered = append(registered, rt.Method+" "+rt.Pattern)
	}
	slices.Sort(documented)
	slices.Sort(registered)
	assert.Equal(t, registered, documented, "server/openapi.json and Routes() differ")
}

func TestOpenAPIIsServed(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	code, body := h.do("GET", "/openapi.json", "", "", "")
	require.Equal(t, 200, code)
	file, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	assert.Equal(t, string(file), string(body))
	code, _ = h.do("GET", "/healthz", "", "", "")
	assert.Equal(t, 200, code)
}

// TestQueryTokenOnlyWhereDocumented: only the routes that take ?token= in
// the code list the query scheme in the document.
func TestQueryTokenOnlyWhereDocumented(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(OpenAPI(), &doc))
	for _, rt := range Routes() {
		var op struct {
			Security []map[string][]string `json:"security"`
		}
		require.NoError(t, json.Unmarshal(doc.Paths[rt.Pattern][strings.ToLower(rt.Method)], &op))
		query := slices.ContainsFunc(op.Security, func(m map[string][]string) bool { _, ok := m["queryToken"]; return ok })
		assert.Equal(t, rt.QueryToken, query, "%s %s", rt.Method, rt.Pattern)
	}
}
