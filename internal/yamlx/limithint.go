package yamlx

// A limit's message says how to raise it, in the caller's terms: a Go
// program sets a field of event.Limits or direction.CostLimits, a user of
// the directions command a flag. Messages are built in the library, which
// cannot tell the two apart, so they name the limit by its Go field
// (Limits.MaxBytes, Cost.MaxEval) through RaiseLimit, and the command,
// once at start-up, installs a hint that names its flag instead.

// limitHint is set only by SetLimitHint, from the directions command's
// init, before anything is read.
var limitHint = func(field string) string { return "raise " + field }

// SetLimitHint replaces how messages say to raise a limit. The directions
// command calls it from an init function, so that its users read the
// flag; nothing else may.
func SetLimitHint(hint func(field string) string) { limitHint = hint }

// RaiseLimit says how to raise the limit named by its Go field, such as
// "Limits.MaxBytes" or "Cost.MaxEval": "raise Limits.MaxBytes" for a Go
// program, "raise --max-bytes" on the command line.
func RaiseLimit(field string) string { return limitHint(field) }
