// Package explain says in words how an obligation's due dates were
// computed and which events discharged them: the documents `directions
// explain` writes, so that a program embedding the library writes exactly
// the bytes the CLI writes (the CLI and the server call it).
//
// Find picks the obligations to explain by id; Explain evaluates the
// events with a trace of those obligations only (the others keep the
// engine's keyed lookups, so that explaining costs about what checking
// does) and gathers, instance by instance, the due date's
// derivation, the events weighed against it and the outcome; WriteText
// and WriteJSON write the result (schemas/explain-output.schema.json).
// Options.MaxNotSatisfying bounds what an instance lists of the events
// tested that did not satisfy it (the last N; the earlier ones are
// counted as they are pushed out, not kept): a traced obligation is tested without its
// keyed lookups, and in a busy history those events are most of an
// explanation and, listed in full, of its memory.
// ExplainStream gives the same Explanation from events read one at a
// time, in one pass, keeping only the events of a type the explained
// obligations look at (the events the explanation lists, their
// attributes only where it reads them) and those obligations' findings. Two passes
// (evaluate, then read the file again for those events) would keep none,
// but would need the file unchanged between them and could not read
// standard input; the events one obligation looks at are few beside a
// history.
//
// The package is apart from package report because it is more than a
// view of an evaluator.Result: it re-evaluates with a trace, and reads the
// directions' rules to put them in words.
//
// # Concurrency
//
// Explain, WriteText and WriteJSON keep no state between calls and may
// run at once; an Explanation is not modified by the writers.
package explain
