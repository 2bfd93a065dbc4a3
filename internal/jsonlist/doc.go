// Package jsonlist writes the items of a JSON list one at a time, with the
// bytes encoding/json would give the whole document: report's check JSON
// and explain's JSON write their long lists so, rather than build the
// whole document (and its indented copy) in memory first.
package jsonlist
