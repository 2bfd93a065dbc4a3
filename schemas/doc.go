// Package schemas holds the JSON Schemas of the project's file formats, so
// that an editor with a YAML language server validates and completes
// direction, history and scenario files as they are typed:
//
//	direction.schema.json  direction files
//	events.schema.json     history files (a list of events, or events: [...])
//	scenario.schema.json   scenario files run by `directions test`
//	vocabulary.schema.json event vocabularies named by a direction
//
// and of the JSON outputs: check-output, check-batch-output,
// explain-output and schedule-output. A file opts in with a comment (on any
// line) naming the schema by relative path, such as
//
//	# yaml-language-server: $schema=../../../schemas/scenario.schema.json
//
// The schemas describe shape only; the loaders check more (CEL
// expressions, party and event ids, dates that exist) and remain the
// authority. FS embeds them for tools written in Go.
package schemas

import (
	"embed"
	"io/fs"
)

// FS returns the schema files (read-only).
func FS() fs.FS { return files }

//go:embed *.schema.json
var files embed.FS
