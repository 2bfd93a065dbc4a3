package evaluator

// StripWords drops a span's wording, for comparing spans in tests.
func StripWords(s Span) Span { s.words = ""; return s }

// ShapesHistory is shapesHistory for the external tests.
var ShapesHistory = shapesHistory

// LoadSet is loadSet for the external tests.
var LoadSet = loadSet
