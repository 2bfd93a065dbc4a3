package report

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
)

// Input is one file a result rests on, as the JSON outputs list it under
// inputs: enough to tell later whether a result was computed from the
// files now on disk.
type Input struct {
	// Path is the file's path as it was given or found.
	Path string `json:"path"`
	// Kind is what the file holds: "direction", "history" or
	// "vocabulary".
	Kind string `json:"kind"`
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string `json:"sha256"`
}

// NewInput describes a file read from data.
func NewInput(path, kind string, data []byte) Input {
	sum := sha256.Sum256(data)
	return Input{Path: path, Kind: kind, SHA256: hex.EncodeToString(sum[:])}
}

// Council is one council's evaluation: what every writer of this package
// reads. The single-council writers (WriteJSON, WriteText) take one; the
// writers for many councils (WriteBatchJSON, WriteBatchText, WriteCSV,
// WriteCSVSummary, WriteHTML) take them in the order they are to appear.
type Council struct {
	// Name is the council's short name (in a tree of council folders, the
	// folder's base name) and Folder where its files are; both may be
	// empty for a single council.
	Name, Folder string
	// Set is the directions evaluated. Dates are written in their time
	// zone (Europe/London if Set is nil), and the HTML page takes the
	// council's full name from them.
	Set *direction.Set
	// Inputs are the files the result rests on, in the order to list them.
	Inputs []Input
	// Result is the evaluation; nil when Err is set.
	Result *evaluator.Result
	// Err is why the council could not be evaluated. The batch outputs
	// report it in the council's row and go on with the others.
	Err error
}

// failed is why c has no result to write: Err, or an error saying that
// Result is missing.
func (c Council) failed() error {
	switch {
	case c.Err != nil:
		return c.Err
	case c.Result == nil:
		return errors.New("report: council " + c.Name + " has neither a Result nor an Err")
	}
	return nil
}

// DirectionInputs describes the directions as inputs (Direction.File and
// Digest, the SHA-256 recorded when each was parsed) followed, once each,
// by the vocabulary files they read (VocabularyFile, VocabularyDigest), so
// that every file a result depends on carries its digest without the
// program reading it again. The CLI lists directions and histories sorted
// by path, then the vocabularies the directions read.
func DirectionInputs(ds []*direction.Direction) []Input {
	in := make([]Input, 0, len(ds))
	for _, d := range ds {
		in = append(in, Input{Path: d.File, Kind: "direction", SHA256: d.Digest})
	}
	return append(in, VocabularyInputs(ds)...)
}

// VocabularyInputs lists, once each and in the directions' order, the
// vocabulary files the directions read, with their SHA-256.
func VocabularyInputs(ds []*direction.Direction) []Input {
	var in []Input
	seen := map[string]bool{}
	for _, d := range ds {
		if p := filepath.Clean(d.VocabularyFile); d.VocabularyFile != "" && !seen[p] {
			seen[p] = true
			in = append(in, Input{Path: d.VocabularyFile, Kind: "vocabulary", SHA256: d.VocabularyDigest})
		}
	}
	return in
}
