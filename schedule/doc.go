// Package schedule writes lists of deadlines, the outputs of `directions
// schedule`, so that a program embedding the library writes exactly the
// bytes the CLI writes (the CLI and the server's calendar feed call these
// functions):
//
//   - WriteText: a table for people, with each deadline's state in words;
//   - WriteJSON: the JSON document (schemas/schedule-output.schema.json),
//     with the engine version and the inputs' SHA-256;
//   - WriteICS: an iCalendar file (RFC 5545) to import or subscribe to.
//
// Every writer reads a Listing: the deadlines evaluator.Schedule gives,
// the range and as-of time they were computed for, and the zone to write
// dates in. The package is apart from package report because it lists
// deadlines in a date range rather than reporting an evaluation's
// findings; it shares report.Input for the files a listing rests on.
//
// # Format
//
// In the calendar, each deadline is one all-day event over the days it
// may fall due on; its UID is a hash of the deadline's key, so that a
// later export updates the same entries rather than adding more, and its
// SEQUENCE grows with the as-of time. DTSTAMP is ICSOptions.ExportedAt,
// when the file is written (the library never reads the clock). A
// reminder (ICSOptions.Remind days before, at 09:00) is added only to
// deadlines still due as of the as-of time.
//
// # Concurrency
//
// The writers keep no state between calls and may run at once.
package schedule
