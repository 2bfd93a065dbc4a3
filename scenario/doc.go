// Package scenario runs "what if" tests written in YAML: each scenario names
// the direction files it applies to, a history, an as-of time and the
// findings it expects, and passes when the evaluator agrees.
//
// # Format
//
// A scenario file is a YAML mapping with a scenarios key. Paths are relative
// to the scenario file.
//
//	directions: [../direction-2018-01.yaml]   # default for every scenario
//	history: [../history.yaml]                # default event files (optional)
//	scenarios:
//	  - name: the Chair's first quarterly report is 14 days late
//	    without: [chair-q1]                   # drop these events from the history files
//	    events:                               # inline events, as in a history file
//	      - {id: chair-q1-late, type: report, at: 2018-05-09, from: board-chair, to: secretary-of-state, kind: progress}
//	    as_of: 2018-09-30                     # a date (its last instant) or an RFC 3339 time
//	    expect:
//	      breaches: 1                         # late, missed and breached findings of the council's duties
//	      expectations_unmet: 0               # the same, of other parties' expectations
//	      in_force: {barnet-2018-01: true}
//	      findings:
//	        - {clause: 8(f), instance: 1, status: late, days_late: 14, due: 2018-04-25, discharged_by: chair-q1-late}
//
// An expected finding names its obligation by obligation id or by clause
// (plus direction when two directions share the clause), and its instance by
// number or by the event that triggered it (trigger). Status is met, late,
// missed, open, breached, or absent for an instance that must not exist;
// role (duty or expectation) and assumed (whether the due date is a
// modelling assumption) may be asserted too. Only the fields given are
// compared.
//
// # Coverage
//
// [NewCoverage] reports, per direction and obligation, which outcomes some
// scenario's evaluation produced, and for every obligation with deadlines
// whether some scenario discharged an instance the day before its due day,
// on it, and the day after.
//
// # Output
//
// [WriteOutcome] and [WriteSummary] write the console report of
// `directions test`, [WriteJUnit] its JUnit XML, and [Coverage.WriteText]
// its --coverage table: the CLI calls these, so a program running
// scenarios writes the same bytes. A file that does not load counts as one
// scenario in error in all of them ([NotLoaded]).
//
// # Errors
//
// [Load] reports every problem in a scenario file, and in the direction and
// history files it names, as a [diag.List] with file:line:col positions. A
// scenario that loads but whose expectations differ from the evaluation is
// not an error: its [Outcome] lists each [Failure].
//
// # Concurrency
//
// A loaded [File] is immutable; its scenarios may be run from many
// goroutines at once. A [Loader] is not safe for concurrent use.
package scenario
