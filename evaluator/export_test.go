package evaluator

import "github.com/dfe-tools/directions/event"

// StripWords drops a span's wording, for comparing spans in tests.
func StripWords(s Span) Span { s.words = ""; return s }

// ShapesHistory is shapesHistory for the external tests.
var ShapesHistory = shapesHistory

// LoadSet is loadSet for the external tests.
var LoadSet = loadSet

// ScanUnsure makes Evaluate's one pass over the events report that it
// cannot vouch for them, as when two ids share a hash, so that Evaluate
// takes the path that checks order and dates itself; the returned
// function restores the real pass.
func ScanUnsure() (restore func()) {
	real := scanEvents
	scanEvents = func([]event.Event) (bool, bool, bool) { return false, false, false }
	return func() { scanEvents = real }
}

// Reusing is reusing for the external tests.
var Reusing = reusing

// MarkTies is markTies for the external tests: the tie flag a Result
// carries, applied to findings collected from Monitor or Stream (sorted by
// direction, obligation and instance).
var MarkTies = markTies

// RefEvaluate and Essences are the reference evaluator and its comparison
// for the external tests.
var (
	RefEvaluate = refEvaluate
	Essences    = essences
)
