// Package direction loads statutory directions written in YAML: who issued
// them, to whom, when, the parties, which earlier directions (or which of
// their obligations) they revoke or replace, and their obligations with CEL
// conditions compiled and type-checked at load. A Set holds the directions
// evaluated together and settles, from their revocations, variations,
// recorded ends and end dates, when each direction and each obligation is
// in force (see docs/lifecycle.md). An issue, end or recorded revocation
// date may be known only to a month or a range of days (issued: 2018-06):
// Issued (Ends, Revoked.On) is then the first day it may be and
// IssuedThrough (EndsThrough, Revoked.Through) the last, Force gives the
// earliest and latest ends, and Fixed makes the direction of one day of the
// range for the evaluator (docs/uncertain-dates.md).
//
// # Format
//
// See the README's format reference; a minimal direction is
//
//	id: barnet-2018-01
//	title: Statutory direction to Barnet Borough Council
//	council: barnet
//	issued_by: secretary-of-state
//	issued: 2018-01-25
//	parties:
//	  barnet: {name: Barnet Borough Council, role: council}
//	  secretary-of-state: {name: Secretary of State for Education, role: issuer}
//	obligations:
//	  - id: quarterly-report
//	    clause: 8(f)
//	    holder: barnet
//	    summary: The Board's Chair reports to the Secretary of State every quarter.
//	    source: Statutory direction to Barnet, 25 January 2018, para 8(f)
//	    recurring: {every: 3 months, first: 3 months}
//	    satisfied_by: event.type == "report" && event.to == "secretary-of-state"
//
// An obligation's role is duty (the default: what the direction requires of
// the council, held by the council or a party marked officer_of it) or
// expectation (another party's role, such as an adviser's terms of
// reference: tracked, never a breach); writing role checks the holder at
// load. deadline_assumed says why the due dates rest on a modelling
// assumption rather than the text (see docs/duties.md).
//
// # Errors
//
// Load and Parse report every problem in a file at once, as a diag.List
// whose elements give file, line and column; CEL errors point inside the
// expression. A direction may name a vocabulary (key vocabulary: a file
// relative to it, or an inline mapping; see event.Vocabulary): its
// expressions may then read only the attributes the vocabulary declares for
// the event types they can see, so that a misspelt event.form is an error at
// load rather than a condition that is never true. Histories read for a
// Set (LoadHistory, ReadHistory) are checked against the set's vocabulary
// unless the caller opts out (event.Options.SkipVocabulary), and
// CheckEvents checks events made in code, so that a misspelt event type
// is refused in Go as the command line refuses it. Options bound the size
// of the file (Limits) and the cost of each expression, estimated at load
// and counted at evaluation (Cost); see docs/limits.md.
//
// # Concurrency
//
// Once loaded, a Direction and a Set are immutable and may be evaluated from
// many goroutines at once.
package direction
