package hooks

// LineIDs has a JSON Lines reader give the events whose attributes it
// skips (Options.ReadsAttributes) ids that are views of the line read,
// valid only until its next call of Next, instead of strings of their own:
// func(*event.Reader). Only a caller that hashes or copies such an id
// before reading on may set it (cmd/directions' check, whose
// evaluator.Stream copies the last id's bytes); the public Reader's ids
// stay strings a caller may keep.
var LineIDs any
