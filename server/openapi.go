package server

import (
	"bytes"
	_ "embed"
	"net/http"
)

// OpenAPI returns the API's OpenAPI 3.1 document (openapi.json), a copy
// the caller may keep or change.
func OpenAPI() []byte { return bytes.Clone(openAPI) }

//go:embed openapi.json
var openAPI []byte

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request, _ *Token) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
