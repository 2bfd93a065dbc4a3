// Package event defines the dated events of a council's history and reads
// them from YAML, JSON, JSON Lines and CSV files.
//
// # Format
//
// Every event has an id (unique in a history), a type and an at: a date
// such as 2018-04-20, read as that whole day's first instant in the
// history's time zone (Europe/London unless told otherwise), or an RFC 3339
// time with an offset such as 2018-04-25T23:30:00+01:00. Every other key is
// an attribute, readable from CEL as event.<name>. A file holds a list of
// events, or a mapping with an "events" key holding that list; a JSON Lines
// file holds one event object per line. A CSV file has a header row with
// id, type, at and one column per attribute, then one event per row; an
// empty cell means the attribute is absent (see ParseCSV).
//
// Attribute values are strings, whole numbers (int64), other numbers
// (float64), booleans, null, lists and mappings. Dates in attributes stay
// strings exactly as written, so YAML and JSON histories read alike; use
// date() in CEL to read them.
//
// A Vocabulary (ParseVocabulary, usually named by a direction) lists the
// event types a history may use and their attributes; with
// Options.Vocabulary set, any other type or attribute, or a value of the
// wrong type, is an error at its position. The readers here check only
// against the vocabulary they are given; to read a history for a set of
// directions, checked against theirs unless Options.SkipVocabulary says
// not to, use direction.Set.LoadHistory. Vocabulary.Check checks events
// made in code.
//
// # Errors
//
// Loaders report every bad event at once, as a diag.List with the file, line
// and column of each problem. An event that cannot be read is an error,
// never skipped: a loader returns events or an error, never both, and
// nothing in a file is ignored (data after the events, a second document,
// whole numbers too big for 64 bits). Options.Limits bounds the size of a
// file in every format; Load reads only regular files. See docs/limits.md.
//
// # One reader
//
// JSON and JSON Lines are read by Reader (NewReader, NewJSONReader), one
// event at a time; Load, Read, Parse, ParseJSON and ParseJSONL collect its
// events, so every command and loader applies the same rules with the
// same messages: a key appears once, whole numbers fit 64 bits, values
// nest at most Limits.MaxDepth levels, strings are UTF-8 without lone
// surrogates. YAML and CSV follow the same rules in their own readers. An
// empty JSON Lines file is a history with no events. ParseAt is the one
// reader of at, used by every format: ParseTime's forms, or a day known
// only to a month or a range of days (Event.Through). IDPrints finds repeated ids over
// histories too long to hold, 8 bytes an id, kept outside the Go heap
// (on huge pages where Linux allows) once the set is large.
package event
