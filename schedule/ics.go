package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
)

// uid is a deadline's stable UID: a hash of its key, so that importing
// a later export updates the same calendar entries instead of adding more.
func uid(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@directions.dfe-tools"
}

// sequence grows with the as-of time, so a later export of the same
// deadline is a newer revision to calendar clients: minutes since 2000.
func sequence(t time.Time) int {
	return int(t.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) / time.Minute)
}

// ICSOptions are what only the calendar needs.
type ICSOptions struct {
	// ExportedAt is when the file is written, its DTSTAMP (RFC 5545): the
	// caller's clock, since the library never reads one.
	ExportedAt time.Time
	// Remind adds a reminder at 09:00 this many days before each deadline
	// still due as of the listing's AsOf; 0 for none.
	Remind int
}

// WriteICS writes l as an iCalendar file (RFC 5545), as `directions
// schedule --format ics` and the server's subscription feed do: one
// all-day event per deadline, spanning the days it may fall due on, with
// a UID that stays the same from one export to the next (a hash of the
// deadline's key) and a SEQUENCE that grows with AsOf, so that importing
// a later export updates the same entries.
func WriteICS(w io.Writer, l Listing, opts ICSOptions) error {
	loc := l.zone()
	cal := ics.NewCalendar()
	cal.SetProductId("-//dfe-tools//directions " + evaluator.Version + "//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName("Direction deadlines: " + l.Council)
	cal.SetXWRCalDesc(fmt.Sprintf("Deadlines from %s to %s under the statutory directions, as of %s",
		civil.In(l.From, loc).Long(), civil.In(l.Until, loc).Long(), civil.In(l.AsOf, loc).Long()))
	for _, d := range l.Deadlines {
		days := dueDays(d, loc)
		due := days.First
		ev := cal.AddEvent(uid(d.Key))
		ev.SetDtStampTime(opts.ExportedAt) // RFC 5545: when this file was written
		ev.SetModifiedAt(l.AsOf)
		ev.SetSequence(sequence(l.AsOf))
		// A due date known only to a range spans the whole range.
		ev.SetAllDayStartAt(time.Date(due.Year, due.Month, due.Day, 0, 0, 0, 0, time.UTC))
		next := days.Last.AddDays(1)
		ev.SetAllDayEndAt(time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, time.UTC))
		ev.SetTimeTransparency(ics.TransparencyTransparent)
		prefix := "Due"
		switch d.State {
		case evaluator.StateMet:
			prefix = "Met"
		case evaluator.StateLate:
			prefix = "Late"
		case evaluator.StateOverdue:
			prefix = "OVERDUE"
		case evaluator.StateWaived:
			prefix = "Waived"
		case evaluator.StateIndeterminate:
			prefix = "Indeterminate"
		case evaluator.StatePossible:
			prefix = "Possible"
		}
		ev.SetSummary(fmt.Sprintf("%s: %s %s (%s)", prefix, d.Clause, d.Obligation, d.Direction))
		var b strings.Builder
		fmt.Fprintf(&b, "Clause %s of %s (%s).\n", d.Clause, d.Direction, d.Title)
		fmt.Fprintf(&b, "What is due: %s\n", d.Summary)
		if d.Role == obligation.Expectation {
			fmt.Fprintf(&b, "Held by %s: an expectation of %s, not a duty of the council (never a breach of the direction). Instance %d, due %s.\n", d.Holder, d.Holder, d.Instance, days.Long())
		} else {
			fmt.Fprintf(&b, "Duty holder: %s. Instance %d, due %s.\n", d.Holder, d.Instance, days.Long())
		}
		if d.Extension != nil {
			orig, _ := civil.Parse(d.OriginalDue)
			fmt.Fprintf(&b, "Extended from %s by %s on %s.\n", orig.Long(), d.Extension.ID, civil.In(d.Extension.At, loc).Long())
		}
		if d.Basis != "" {
			fmt.Fprintf(&b, "How the date was computed: %s.\n", d.Basis)
		}
		if d.Assumed != "" {
			fmt.Fprintf(&b, "The due date is the model's assumption, not the text's: %s\n", d.Assumed)
		}
		fmt.Fprintf(&b, "State as of %s: %s.", civil.In(l.AsOf, loc).Long(), stateWords(d, loc))
		if d.Uncertain != "" {
			fmt.Fprintf(&b, "\nA date is known only to a range: %s.", d.Uncertain)
		}
		ev.SetDescription(b.String())
		ev.AddCategory("Statutory direction deadline")
		// A reminder only for a deadline still ahead as of the as-of time:
		// one already met, or already overdue, needs none.
		if opts.Remind > 0 && d.State == evaluator.StateDue {
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			// All-day events start at midnight: 09:00 N days before is
			// N-1 days and 15 hours before the start.
			a.SetTrigger(fmt.Sprintf("-P%dDT15H", opts.Remind-1))
			a.SetDescription(fmt.Sprintf("In %d day%s: clause %s %s (%s), due %s", opts.Remind, words.Plural(opts.Remind), d.Clause, d.Obligation, d.Direction, days.Long()))
		}
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// dueDays is the day a deadline falls due, or the days it may when it
// depends on a date known only to a range.
func dueDays(d evaluator.Deadline, loc *time.Location) civil.Range {
	first := civil.In(d.DueAt, loc)
	r := civil.Range{First: first, Last: first}
	if last, err := civil.Parse(d.DueLatest); err == nil {
		r.Last = last
	}
	return r
}

// stateWords says where a deadline stands, for people.
func stateWords(d evaluator.Deadline, loc *time.Location) string {
	switch {
	case (d.State == evaluator.StateMet || d.State == evaluator.StateLate) && d.DischargedBy == nil:
		// Met whatever a day known only to a range, by a different event
		// on different days.
		return string(d.State) + " (by a different event depending on a date known only to a range)"
	}
	switch d.State {
	case evaluator.StateMet:
		return fmt.Sprintf("met by %s on %s", d.DischargedBy.ID, civil.In(d.DischargedBy.At, loc).Long())
	case evaluator.StateLate:
		return fmt.Sprintf("met late by %s on %s (%d day%s)", d.DischargedBy.ID, civil.In(d.DischargedBy.At, loc).Long(), d.DaysLate, words.Plural(d.DaysLate))
	case evaluator.StateOverdue:
		return "overdue: not discharged" + extendedWords(d, loc)
	case evaluator.StateWaived:
		return fmt.Sprintf("waived by %s on %s", d.Waiver.ID, civil.In(d.Waiver.At, loc).Long())
	case evaluator.StateIndeterminate:
		return "indeterminate: depends on a date known only to a range"
	case evaluator.StatePossible:
		return "possible: falls due only on some days of a date known only to a range"
	}
	return "due: not yet discharged" + extendedWords(d, loc)
}

// extendedWords notes an extension on a deadline not yet met.
func extendedWords(d evaluator.Deadline, loc *time.Location) string {
	if d.Extension == nil {
		return ""
	}
	orig, _ := civil.Parse(d.OriginalDue)
	return fmt.Sprintf(" (extended from %s by %s on %s)", orig.Long(), d.Extension.ID, civil.In(d.Extension.At, loc).Long())
}
