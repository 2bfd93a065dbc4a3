// Package words holds the small pieces of wording that several output
// packages (report, schedule, explain) and the CLI share, so that a date
// or a count reads the same in every format.
package words
