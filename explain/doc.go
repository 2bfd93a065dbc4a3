// Package explain says in words how an obligation's due dates were
// computed and which events discharged them: the documents `directions
// explain` writes, so that a program embedding the library writes exactly
// the bytes the CLI writes (the CLI and the server call it).
//
// Find picks the obligations to explain by id; Explain evaluates the
// events with a trace and gathers, instance by instance, the due date's
// derivation, the events weighed against it and the outcome; WriteText
// and WriteJSON write the result (schemas/explain-output.schema.json).
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
