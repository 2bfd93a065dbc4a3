// Package whatif writes "what if" scenarios as Go tests: build a history
// fluently in the examples' event vocabulary (docs/vocabulary.md), with
// dates that may be relative to a direction's own deadlines, evaluate it,
// and assert on the findings with testify.
//
//	c := whatif.Load(t, "barnet/direction-2018-01.yaml")
//	c.Report("chair-q1", whatif.Days(14).After(whatif.FirstDue("8(f)")), "board-chair", "secretary-of-state", "progress")
//	r := c.AsOf(whatif.On("2018-09-30"))
//	r.Instance("8(f)", 1).Late(14)
//	r.Breaches(1)
//
// A failed assertion names the clause, the obligation and the instance, the
// field that differs, expected and got, and the engine's reason for what it
// found, so that the test output reads as an explanation. Events, built
// here or read by History, are held to the directions' vocabulary as the
// command line holds a history (direction.Set.CheckEvents): a misspelt
// event type stops the test rather than matching nothing.
//
// # Dates
//
// [On] is a date: an event on it happens at the start of that day in the
// direction's time zone, as a bare date in a history file does, and an
// as-of date means the end of that day. [At] is an RFC 3339 instant.
// [Due] and [FirstDue] are an obligation's scheduled due dates, computed
// from the direction the way the evaluator computes them (rule 2 in package
// evaluator); [Days], [Months] and [When.At] move from there.
//
// # Concurrency
//
// A Case belongs to one test goroutine. Directions loaded by [Load] are
// immutable and may be shared.
package whatif
