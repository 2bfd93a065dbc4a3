// Package report writes the documents `directions check` and `directions
// report` produce from an evaluation, so that a program embedding the
// library writes exactly the bytes the CLI writes (the CLI and the server
// call these functions and have no formatting code of their own):
//
//   - WriteJSON and WriteText: one council's check document (JSON, schema
//     schemas/check-output.schema.json) and its text listing;
//   - WriteBatchJSON and WriteBatchText: many councils, a summary row each
//     then each council's own document (schemas/check-batch-output.schema.json);
//   - WriteCSV and WriteCSVSummary: the findings table and the summary
//     table, one table per file, loadable by spreadsheets and pandas;
//   - WriteHTML: the self-contained timeline page.
//
// Every writer reads Council values: the directions evaluated, the
// evaluator.Result, and the Inputs the result rests on (path, kind and
// SHA-256 of each file, which the JSON documents list so that a result
// can be audited). Input is this package's own small type rather than the
// CLI's loader's, so that a program that reads its files some other way
// can say what it read (NewInput).
//
// The package is one per output family rather than one per format:
// every format here is a view of the same Council, and the batch
// outputs embed the single-council ones. Deadline listings
// (`directions schedule`: text, JSON, iCalendar) are in package
// schedule, explanations in package explain, and scenario results as
// JUnit XML in package scenario (WriteJUnit).
//
// # Format
//
// The JSON documents' fields are listed in the README (JSON output) and
// fixed by the schemas in schemas/; new fields are only ever added. Times
// in the text, CSV and HTML outputs are written in the directions' time
// zone.
//
// # Concurrency
//
// The writers keep no state between calls and may run at once; they do
// not modify the Councils they are given.
package report
