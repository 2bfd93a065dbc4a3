package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/icsfeed"
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

// stateWords says where a deadline stands, for people (internal/icsfeed,
// shared with the server's calendar feed).
func stateWords(d evaluator.Deadline, loc *time.Location) string { return icsfeed.StateWords(d, loc) }

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

// deadlineDue is the day, or days, a deadline falls due (internal/icsfeed).
func deadlineDue(d evaluator.Deadline, loc *time.Location) civil.Range { return icsfeed.Due(d, loc) }

// icsUID is a deadline's stable UID (internal/icsfeed).
func icsUID(key string) string { return icsfeed.UID(key) }

func writeScheduleICS(w io.Writer, council string, f scheduleFlags, ds []evaluator.Deadline, loc *time.Location) error {
	return icsfeed.Write(w, council, icsfeed.Range{From: f.from, Until: f.until, ReadAt: f.readAt, ExportedAt: f.exportedAt, Remind: f.remind}, ds, loc)
}
