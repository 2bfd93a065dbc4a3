package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/schedule"
)

func init() {
	register("schedule", "list the deadlines falling due in a date range (text, JSON or iCalendar)", runSchedule)
}

func runSchedule(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "schedule", "schedule [--from DATE] [--until DATE] [--as-of DATE] [--format text|json|ics] [--remind DAYS] PATH...")
	from := fs.String("from", "", "first due date listed (a date, from the start of that day, or an RFC 3339 time); default the as-of day")
	until := fs.String("until", "", "last due date listed (a date, to the end of that day, or an RFC 3339 time); default 3 months after --from")
	asOf := fs.String("as-of", "", "when the schedule is read: only events up to it count, and deadlines due before it and not discharged are overdue; default now")
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
	defer useStdinSpool(ctx, env, paths)()
	tuneGC()
	prog := newProgress(env.stderr, *env.quiet)
	defer prog.done()
	councils, ok := openCouncils(env, "schedule", paths, prog)
	if !ok {
		return exitInvalid
	}
	defer closeCouncils(councils)
	// A tree of councils is listed together, in the first council's zone
	// (each council's deadlines are computed in its directions' own zone).
	// The ics file is written now (its DTSTAMP): the CLI's clock, never
	// the library's.
	loc := councils[0].WS.Location
	f := schedule.Listing{Location: loc}
	icsOpts := schedule.ICSOptions{ExportedAt: now(), Remind: *remind}
	var err error
	if f.AsOf, err = parseAsOf(*asOf, loc); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.From, err = rangeTime("--from", *from, loc, false); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.From.IsZero() {
		f.From = civil.In(f.AsOf, loc).Start(loc)
	}
	if f.Until, err = rangeTime("--until", *until, loc, true); err != nil {
		env.errorf("directions schedule: %v", err)
		return exitInvalid
	}
	if f.Until.IsZero() {
		f.Until = civil.In(f.From, loc).AddMonths(3).End(loc)
	}
	if f.Until.Before(f.From) {
		env.errorf("directions schedule: --until (%s) is before --from (%s)", civil.In(f.Until, loc).Long(), civil.In(f.From, loc).Long())
		return exitInvalid
	}
	sopts := evaluator.ScheduleOptions{From: f.From, Until: f.Until, Now: f.AsOf}
	// Streamed councils first: one whose history the stream refuses is
	// loaded (and its errors, with every other council's, worded as
	// loading words them) before any is scheduled from memory, so that
	// what is reported is what loading every council reports.
	lists := make([][]evaluator.Deadline, len(councils))
	for i := range councils {
		c := &councils[i]
		if c.stream == nil {
			continue
		}
		var ds []evaluator.Deadline
		err := c.stream.inOrder(func(next func() (*event.Event, error)) (err error) {
			ds, err = evaluator.ScheduleStream(ctx, c.Set, next, sopts)
			return err
		})
		if changedHistory(err) {
			closeCouncils(councils)
			env.errorf("directions schedule: %v", err)
			return exitInvalid
		}
		streamed := err == nil && c.stream.finish()
		c.stream.close()
		c.stream = nil
		if ctx.Err() != nil {
			return exitInterrupted // run says "directions schedule: interrupted"
		}
		if streamed {
			lists[i] = ds
			continue
		}
		if !c.load() {
			closeCouncils(councils)
			loadCouncils(env, "schedule", paths, false) // words every council's errors
			return exitInvalid
		}
	}
	var names []string
	for i, c := range councils {
		if lists[i] == nil {
			ds, err := evaluator.ScheduleContext(ctx, c.Set, c.WS.Events, sopts)
			if err != nil && ctx.Err() != nil {
				return exitInterrupted // run says "directions schedule: interrupted"
			}
			if err != nil {
				env.errorf("%v", err)
				return exitInvalid
			}
			lists[i] = ds
		}
		f.Deadlines = append(f.Deadlines, lists[i]...)
		f.Inputs = append(f.Inputs, c.WS.Inputs()...)
		for _, d := range c.Set.Directions {
			if !slices.Contains(names, d.Council) {
				names = append(names, d.Council)
			}
		}
	}
	if len(councils) > 1 {
		slices.SortStableFunc(f.Deadlines, func(a, b evaluator.Deadline) int {
			if c := a.DueAt.Compare(b.DueAt); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
	}
	prog.done()
	f.Council = strings.Join(names, ", ")
	switch *format {
	case "json":
		err = schedule.WriteJSON(env.stdout, f)
	case "ics":
		err = schedule.WriteICS(env.stdout, f, icsOpts)
	default:
		err = schedule.WriteText(env.stdout, f)
	}
	if err != nil {
		env.errorf("directions schedule: %v", err)
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

// nouns says n with the noun that agrees: nouns(1, "breach", "breaches")
// is "1 breach" (the wording every output shares).
func nouns(n int, one, many string) string { return words.Nouns(n, one, many) }
