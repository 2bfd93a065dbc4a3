package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/obligation"
)

func init() {
	register("schedule", "list the deadlines falling due in a date range (text, JSON or iCalendar)", runSchedule)
}

// scheduleFlags are the parsed flags of the schedule command.
type scheduleFlags struct {
	from, until, readAt time.Time
	// exportedAt is when the file is written (the ics DTSTAMP): the CLI's
	// clock, never the library's.
	exportedAt time.Time
	format     string
	remind     int
}

func runSchedule(_ context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "schedule", "schedule [--from DATE] [--until DATE] [--as-of DATE] [--format text|json|ics] [--remind DAYS] PATH...")
	from := fs.String("from", "", "first due date listed (a date, from the start of that day, or an RFC 3339 time); default the as-of day")
	until := fs.String("until", "", "last due date listed (a date, to the end of that day, or an RFC 3339 time); default 3 months after --from")
	asOf := fs.String("as-of", "", "when the schedule is read: deadlines due before it and not discharged are overdue; default now")
	format := fs.String("format", "text", "output format: text, json or ics (iCalendar)")
	remind := fs.Int("remind", 7, "with --format ics, a reminder at 09:00 this many days before each deadline not yet due as of --as-of; 0 for none")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	switch *format {
	case "text", "json", "ics":
	default:
		env.errorf("%s", formatError("schedule", *format, "text", "json", "ics"))
		return exitInvalid
	}
	if *remind < 0 {
		env.errorf("directions schedule: --remind must be 0 (no reminders) or a number of days, not %d", *remind)
		return exitInvalid
	}
	councils, ok := loadCouncils(env, "schedule", paths, false)
	if !ok {
		return exitInvalid
	}
	// A tree of councils is listed together, in the first council's zone
	// (each council's deadlines are computed in its directions' own zone).
	ws := councils[0].WS
	loc := ws.Location
	f := scheduleFlags{format: *format, remind: *remind, exportedAt: now()}
	var err error
	if f.readAt, err = parseAsOf(*asOf, loc); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.from, err = rangeTime("--from", *from, loc, false); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.from.IsZero() {
		f.from = civil.In(f.readAt, loc).Start(loc)
	}
	if f.until, err = rangeTime("--until", *until, loc, true); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.until.IsZero() {
		f.until = civil.In(f.from, loc).AddMonths(3).End(loc)
	}
	if f.until.Before(f.from) {
		env.errorf("directions schedule: --until (%s) is before --from (%s)", civil.In(f.until, loc).Long(), civil.In(f.from, loc).Long())
		return exitInvalid
	}
	var (
		deadlines []evaluator.Deadline
		inputs    []workspace.File
		names     []string
	)
	for _, c := range councils {
		ds, err := evaluator.Schedule(c.Set, c.WS.Events, evaluator.ScheduleOptions{From: f.from, Until: f.until, Now: f.readAt})
		if err != nil {
			env.errorf("%v", err)
			return exitInvalid
		}
		deadlines = append(deadlines, ds...)
		inputs = append(inputs, c.WS.Files...)
		for _, d := range c.Set.Directions {
			if !slices.Contains(names, d.Council) {
				names = append(names, d.Council)
			}
		}
	}
	if len(councils) > 1 {
		slices.SortStableFunc(deadlines, func(a, b evaluator.Deadline) int {
			if c := a.DueAt.Compare(b.DueAt); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
	}
	var err2 error
	switch f.format {
	case "json":
		err2 = writeScheduleJSON(env.stdout, ws.Location.String(), inputs, f, deadlines)
	case "ics":
		err2 = writeScheduleICS(env.stdout, strings.Join(names, ", "), f, deadlines, loc)
	default:
		err2 = writeScheduleText(env.stdout, f, deadlines, loc)
	}
	if err2 != nil {
		env.errorf("directions schedule: %v", err2)
		return exitInvalid
	}
	return exitOK
}

// rangeTime reads a range bound: a date is the start (or, for an upper
// bound, the end) of that day in loc. An empty string gives the zero time.
func rangeTime(flag, s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, dateOnly, err := event.ParseTime(s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %v", flag, err)
	}
	if dateOnly && end {
		return civil.In(t, loc).End(loc), nil
	}
	return t, nil
}

// ScheduleSummary counts the listed deadlines by state.
type ScheduleSummary struct {
	Deadlines int `json:"deadlines"`
	Met       int `json:"met"`
	Late      int `json:"late"`
	Overdue   int `json:"overdue"`
	Due       int `json:"due"`
	Waived    int `json:"waived,omitempty"`
	// Expectations counts the deadlines that are other parties'
	// expectations rather than the council's duties (any state).
	Expectations int `json:"expectations"`
	// Indeterminate and Possible count deadlines that depend on a date
	// known only to a range.
	Indeterminate int `json:"indeterminate"`
	Possible      int `json:"possible"`
}

func summariseSchedule(ds []evaluator.Deadline) ScheduleSummary {
	s := ScheduleSummary{Deadlines: len(ds)}
	for _, d := range ds {
		if d.Role == obligation.Expectation {
			s.Expectations++
		}
		switch d.State {
		case evaluator.StateMet:
			s.Met++
		case evaluator.StateLate:
			s.Late++
		case evaluator.StateOverdue:
			s.Overdue++
		case evaluator.StateDue:
			s.Due++
		case evaluator.StateWaived:
			s.Waived++
		case evaluator.StateIndeterminate:
			s.Indeterminate++
		case evaluator.StatePossible:
			s.Possible++
		}
	}
	return s
}

// ScheduleReport is the JSON document `schedule --format json` writes.
type ScheduleReport struct {
	Engine    string               `json:"engine"`
	From      time.Time            `json:"from"`
	Until     time.Time            `json:"until"`
	AsOf      time.Time            `json:"as_of"`
	TimeZone  string               `json:"time_zone"`
	Inputs    []workspace.File     `json:"inputs"`
	Deadlines []evaluator.Deadline `json:"deadlines"`
	Summary   ScheduleSummary      `json:"summary"`
}

func writeScheduleJSON(w io.Writer, zone string, inputs []workspace.File, f scheduleFlags, ds []evaluator.Deadline) error {
	rep := ScheduleReport{
		Engine: evaluator.Version, From: f.from, Until: f.until, AsOf: f.readAt, TimeZone: zone,
		Inputs: inputs, Deadlines: ds, Summary: summariseSchedule(ds),
	}
	if rep.Deadlines == nil {
		rep.Deadlines = []evaluator.Deadline{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
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
		return fmt.Sprintf("met late by %s on %s (%d day%s)", d.DischargedBy.ID, civil.In(d.DischargedBy.At, loc).Long(), d.DaysLate, plural(d.DaysLate))
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

// nouns says n with the noun that agrees: nouns(1, "breach", "breaches")
// is "1 breach".
func nouns(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func writeScheduleText(w io.Writer, f scheduleFlags, ds []evaluator.Deadline, loc *time.Location) error {
	fmt.Fprintf(w, "Deadlines from %s to %s (%s), as of %s\n\n", civil.In(f.from, loc).Long(), civil.In(f.until, loc).Long(), loc,
		f.readAt.In(loc).Format("2 Jan 2006 15:04 MST"))
	if len(ds) == 0 {
		fmt.Fprintln(w, "No deadline falls due in this range.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DUE\tDIRECTION\tCLAUSE\tOBLIGATION\t#\tHOLDER\tSTATE\tWHAT IS DUE")
		var notes []string
		noted := map[string]bool{}
		for _, d := range ds {
			what := d.Summary
			if d.Trigger != nil {
				what = fmt.Sprintf("%s (for %s)", what, d.Trigger.ID)
			}
			due := deadlineDue(d, loc).Long()
			if d.Assumed != "" {
				due += "*"
				if k := d.Direction + "/" + d.Obligation; !noted[k] {
					noted[k] = true
					notes = append(notes, fmt.Sprintf("* %s %s: due date assumed, not in the text: %s", d.Clause, d.Obligation, d.Assumed))
				}
			}
			holder := d.Holder
			if d.Role == obligation.Expectation {
				holder += " (expectation)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", due, d.Direction, d.Clause, d.Obligation,
				d.Instance, holder, stateWords(d, loc), what)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	s := summariseSchedule(ds)
	waived := ""
	if s.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", s.Waived)
	}
	fmt.Fprintf(w, "\n%d deadline%s: %d met, %d met late, %d overdue, %d due%s.\n", s.Deadlines, plural(s.Deadlines), s.Met, s.Late, s.Overdue, s.Due, waived)
	var err error
	if s.Expectations > 0 {
		_, err = fmt.Fprintf(w, "%d of them are other parties' expectations (holder marked \"expectation\"), tracked but never breaches of the direction.\n", s.Expectations)
	}
	if err == nil && s.Indeterminate+s.Possible > 0 {
		_, err = fmt.Fprintf(w, "Dates known only to a range: %d indeterminate, %d possible (check explains each).\n", s.Indeterminate, s.Possible)
	}
	return err
}

// deadlineDue is the day a deadline falls due, or the days it may when it
// depends on a date known only to a range.
func deadlineDue(d evaluator.Deadline, loc *time.Location) civil.Range {
	first := civil.In(d.DueAt, loc)
	r := civil.Range{First: first, Last: first}
	if last, err := civil.Parse(d.DueLatest); err == nil {
		r.Last = last
	}
	return r
}

// icsUID is a deadline's stable UID: a hash of its key, so that importing
// a later export updates the same calendar entries instead of adding more.
func icsUID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@directions.dfe-tools"
}

// icsSequence grows with the as-of time, so a later export of the same
// deadline is a newer revision to calendar clients: minutes since 2000.
func icsSequence(t time.Time) int {
	return int(t.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) / time.Minute)
}

func writeScheduleICS(w io.Writer, council string, f scheduleFlags, ds []evaluator.Deadline, loc *time.Location) error {
	cal := ics.NewCalendar()
	cal.SetProductId("-//dfe-tools//directions " + evaluator.Version + "//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName("Direction deadlines: " + council)
	cal.SetXWRCalDesc(fmt.Sprintf("Deadlines from %s to %s under the statutory directions, as of %s",
		civil.In(f.from, loc).Long(), civil.In(f.until, loc).Long(), civil.In(f.readAt, loc).Long()))
	for _, d := range ds {
		days := deadlineDue(d, loc)
		due := days.First
		ev := cal.AddEvent(icsUID(d.Key))
		ev.SetDtStampTime(f.exportedAt) // RFC 5545: when this file was written
		ev.SetModifiedAt(f.readAt)
		ev.SetSequence(icsSequence(f.readAt))
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
		fmt.Fprintf(&b, "State as of %s: %s.", civil.In(f.readAt, loc).Long(), stateWords(d, loc))
		if d.Uncertain != "" {
			fmt.Fprintf(&b, "\nA date is known only to a range: %s.", d.Uncertain)
		}
		ev.SetDescription(b.String())
		ev.AddCategory("Statutory direction deadline")
		// A reminder only for a deadline still ahead as of the as-of time:
		// one already met, or already overdue, needs none.
		if f.remind > 0 && d.State == evaluator.StateDue {
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			// All-day events start at midnight: 09:00 N days before is
			// N-1 days and 15 hours before the start.
			a.SetTrigger(fmt.Sprintf("-P%dDT15H", f.remind-1))
			a.SetDescription(fmt.Sprintf("In %d day%s: clause %s %s (%s), due %s", f.remind, plural(f.remind), d.Clause, d.Obligation, d.Direction, days.Long()))
		}
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}
