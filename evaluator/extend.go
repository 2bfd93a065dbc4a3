package evaluator

import (
	"container/heap"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// Extensions and waivers (docs/extensions.md) are events. This file is the
// one step that reads them: it finds the instance a grant names, checks
// that the grantor may grant it, and records the grant on the instance;
// the rest of the engine only asks an instance for its deadline (which an
// extension moves) and finding() writes what was granted.

// The event types that grant an extension or a waiver.
const (
	ExtensionEvent = "extension"
	WaiverEvent    = "waiver"
)

// GrantError is an extension or waiver event the evaluation cannot use: it
// names no instance, or more than one, or one no longer outstanding when it
// was granted, or comes from a party the direction does not let grant it.
// It is never ignored: the evaluation stops with it.
type GrantError struct {
	Event string
	Type  string
	Pos   diag.Position
	Msg   string
}

func (e *GrantError) Error() string {
	return fmt.Sprintf("%s: %s %s: %s", e.Pos, e.Type, e.Event, e.Msg)
}

// grants is what was granted for one instance. The original deadline is
// kept; an extension replaces the deadline in effect, the latest grant
// winning; a waiver excuses the instance.
type grants struct {
	origDue   civil.Date
	origDueAt time.Time
	// ext is the latest extension, extDue its date; extAfter: it was
	// granted after the original deadline had passed; extN counts the
	// extensions granted.
	ext      *event.Event
	extDue   civil.Date
	extDueAt time.Time
	extAfter bool
	extN     int
	// waiver, if any; waivedAfter: granted after the deadline in effect
	// had passed (the instance had been missed).
	waiver      *event.Event
	waivedAfter bool
}

// deadline returns the due date in effect and its last instant.
func (g *grants) deadline() (civil.Date, time.Time) {
	if g.ext != nil {
		return g.extDue, g.extDueAt
	}
	return g.origDue, g.origDueAt
}

// deadline returns the instance's due date in effect: the original, or
// the latest extension's.
func (in *instance) deadline() (civil.Date, time.Time) {
	if in.grant != nil {
		return in.grant.deadline()
	}
	return in.Due, in.DueAt
}

// grantSpec is a grant event read.
type grantSpec struct {
	waiver                    bool
	by, direction, obligation string
	number                    int // 0 when not given
	due                       civil.Date
	to                        civil.Date
	period                    obligation.Period
	hasDue, hasTo, hasPeriod  bool
}

func readGrant(ev *event.Event) (grantSpec, string) {
	g := grantSpec{waiver: ev.Type == WaiverEvent}
	text := func(name string, required bool) (string, string) {
		v, ok := ev.Attrs[name]
		if !ok || v == nil {
			if required {
				return "", "needs " + name
			}
			return "", ""
		}
		s, isStr := v.(string)
		if !isStr || strings.TrimSpace(s) == "" {
			return "", fmt.Sprintf("%s must be text, not %v", name, v)
		}
		return s, ""
	}
	date := func(name string) (civil.Date, bool, string) {
		s, bad := text(name, false)
		if bad != "" || s == "" {
			return civil.Date{}, false, bad
		}
		d, err := civil.Parse(s)
		if err != nil {
			return civil.Date{}, false, fmt.Sprintf("%s: %v", name, err)
		}
		return d, true, ""
	}
	var bad string
	var msgs []string
	add := func(m string) {
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	g.by, bad = text("by", true)
	add(bad)
	if bad == "needs by" {
		msgs[len(msgs)-1] = "needs by: the party id of who granted it, such as secretary-of-state"
	}
	g.obligation, bad = text("obligation", true)
	if bad == "needs obligation" {
		bad = "needs obligation: the id of the obligation whose instance it " + verb(g.waiver)
	}
	add(bad)
	g.direction, bad = text("direction", false)
	add(bad)
	if v, ok := ev.Attrs["instance"]; ok && v != nil {
		switch n := v.(type) {
		case int64:
			g.number = int(n)
		case int:
			g.number = n
		case float64:
			if n == math.Trunc(n) && n >= 1 && n < 1e9 {
				g.number = int(n)
			}
		case string: // a CSV cell
			if k, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
				g.number = k
			}
		}
		if g.number < 1 {
			add(fmt.Sprintf("instance must be a whole number from 1, not %v", v))
		}
	}
	g.due, g.hasDue, bad = date("due")
	add(bad)
	if g.number == 0 && !g.hasDue && len(msgs) == 0 {
		add("name the instance it " + verb(g.waiver) + ": give instance (its number, from 1) or due (its original due date, YYYY-MM-DD), or both")
	}
	g.to, g.hasTo, bad = date("to")
	add(bad)
	if s, bad := text("by_period", false); bad != "" {
		add(bad)
	} else if s != "" {
		p, err := obligation.ParsePeriod(s)
		if err == nil && p.N <= 0 {
			err = fmt.Errorf("a period must be at least 1 %s, not %d", strings.TrimSuffix(string(p.Unit), "s"), p.N)
		}
		if err != nil {
			add("by_period: " + err.Error())
		} else {
			g.period, g.hasPeriod = p, true
		}
	}
	switch {
	case g.waiver && (g.hasTo || g.hasPeriod):
		add("a waiver excuses the instance and has no new date: remove to and by_period, or make it an extension")
	case !g.waiver && g.hasTo && g.hasPeriod:
		add("give to (the new due date) or by_period (such as \"2 weeks\"), not both")
	case !g.waiver && !g.hasTo && !g.hasPeriod && len(msgs) == 0:
		add("say how far it extends the deadline: give to (the new due date, YYYY-MM-DD) or by_period (such as \"2 weeks\" or \"1 month\")")
	}
	return g, strings.Join(msgs, "; ")
}

func verb(waiver bool) string {
	if waiver {
		return "waives"
	}
	return "extends"
}

// grant applies an extension or waiver event.
func (e *engine) grant(ev *event.Event) error {
	fail := func(format string, args ...any) error {
		return &GrantError{Event: ev.ID, Type: ev.Type, Pos: ev.Pos, Msg: fmt.Sprintf(format, args...)}
	}
	g, bad := readGrant(ev)
	if bad != "" {
		return fail("%s", bad)
	}
	var ds *dirState
	var st *oblState
	var in []string // directions holding the obligation
	var known []string
	for _, d := range e.states {
		if g.direction != "" && d.d.ID != g.direction {
			continue
		}
		for _, s := range d.obls {
			known = append(known, s.o.ID)
			if s.o.ID == g.obligation {
				ds, st = d, s
				in = append(in, d.d.ID)
			}
		}
	}
	switch {
	case len(in) > 1:
		return fail("obligation %q is in directions %s: add direction, the id of the one it %s", g.obligation, strings.Join(in, " and "), verb(g.waiver))
	case st == nil && g.direction != "" && !slices.ContainsFunc(e.states, func(d *dirState) bool { return d.d.ID == g.direction }):
		ids := make([]string, len(e.states))
		for i, d := range e.states {
			ids[i] = d.d.ID
		}
		return fail("no direction %q is loaded%s", g.direction, yamlx.Suggest(g.direction, ids))
	case st == nil:
		where := "the loaded directions"
		if g.direction != "" {
			where = "direction " + g.direction
		}
		return fail("no obligation %q in %s%s", g.obligation, where, yamlx.Suggest(g.obligation, known))
	}
	o, d := st.o, ds.d
	if o.Kind == obligation.Prohibition {
		return fail("clause %s (%s) is a prohibition: it has no deadline to extend or waive", o.Clause, o.ID)
	}
	if grantors := d.Grantors(o); !slices.Contains(grantors, g.by) {
		if len(grantors) == 0 {
			return fail("%s may not grant it: no one may extend or waive clause %s of %s (its extensions.granted_by is empty)", g.by, o.Clause, d.ID)
		}
		return fail("%s may not grant it: only %s may extend or waive clause %s of %s (extensions.granted_by; by default the issuer)", g.by, strings.Join(grantors, " or "), o.Clause, d.ID)
	}
	if ev.At.Before(ds.force.From) {
		return fail("it is dated %s, before direction %s was in force (from %s)", day(ev.At, d.Location), d.ID, day(ds.force.From, d.Location))
	}
	if !ev.At.Before(ds.wake) {
		ds.advance(ev.At) // the instances whose windows have opened by now
	}
	target, k, orig, msg := st.locate(ds, g, ev)
	if msg != "" {
		return fail("%s", msg)
	}
	if p := st.granted[k]; target == nil && p != nil && p.waiver != nil {
		return fail("instance %d of clause %s (%s) was waived by %s before it arose; nothing is left to %s", k, o.Clause, o.ID, p.waiver.ID, strings.TrimSuffix(verb(g.waiver), "s"))
	}
	loc := d.Location
	var gr *grants
	switch {
	case target != nil && target.grant != nil:
		gr = target.grant
	case target != nil:
		gr = &grants{origDue: target.Due, origDueAt: target.DueAt}
	case st.granted[k] != nil:
		gr = st.granted[k]
	default:
		gr = &grants{origDue: orig, origDueAt: orig.End(loc)}
	}
	held := ev
	if e.keep {
		c := *ev
		c.Attrs = maps.Clone(ev.Attrs)
		held = &c
	}
	if g.waiver {
		_, dueAt := gr.deadline()
		gr.waiver, gr.waivedAfter = held, ev.At.After(dueAt)
	} else {
		cur, _ := gr.deadline()
		to := g.to
		if g.hasTo {
			// A written date, read in the direction's zone like every
			// other (a by_period step onto a skipped day is computed).
			if err := to.CheckIn(loc); err != nil {
				return fail("to: %v; give a date that exists there", err)
			}
		}
		if g.hasPeriod {
			// A step onto a skipped day ends when that day would have,
			// at the end of the day before: that is the day shown.
			to = g.period.AddTo(cur)
			to = civil.In(to.End(loc), loc)
		}
		if !to.After(gr.origDue) {
			return fail("it extends instance %d of clause %s to %s, which is not after its original due date, %s; an extension moves the deadline later", k, o.Clause, to.Long(), gr.origDue.Long())
		}
		// No deadline falls after the obligation stops falling due (rule
		// 1, as generate): past it the council can neither breach nor meet
		// the revoked duty, and there is no verdict to give.
		if !st.until.IsZero() && !to.End(loc).Before(st.until) {
			return fail("it extends instance %d of clause %s to %s, but clause %s of %s stopped falling due from %s (its direction ended, or a later direction revoked or replaced it), and no deadline can fall after that: no verdict on the instance could be given", k, o.Clause, to.Long(), o.Clause, d.ID, day(st.until, loc))
		}
		gr.ext, gr.extDue, gr.extDueAt = held, to, to.End(loc)
		gr.extAfter = ev.At.After(gr.origDueAt)
		gr.extN++
		st.extended = true
	}
	if st.traced {
		step := Step{Kind: StepGranted, Direction: d.ID, Event: held}
		if target != nil {
			step.Instance = &target.Instance
		} else {
			step.Instance = &obligation.Instance{Obligation: o, Number: k, Due: gr.origDue, DueAt: gr.origDueAt}
		}
		ds.trace(step)
	}
	if target == nil {
		// A recurring instance whose window has not opened yet: the grant
		// waits for it (generate).
		if st.granted == nil {
			st.granted = map[int]*grants{}
		}
		st.granted[k] = gr
		return nil
	}
	target.grant = gr
	if g.waiver {
		st.remove(target)
		ds.report(st, target, nil, ev.At)
		return nil
	}
	if e.deadlines {
		// A monitor orders deadlines in a heap. An instance already reported
		// missed whose new deadline is still ahead goes back into it and is
		// reported open again; one whose new deadline has passed too is
		// still missed, and reported again with the extension, so that the
		// monitor's last word is Evaluate's; otherwise the heap is
		// reordered.
		_, dueAt := target.deadline()
		switch {
		case target.missed && !dueAt.Before(ev.At):
			target.missed = false
			heap.Push(&ds.due, target)
			ds.report(st, target, nil, ev.At)
		case target.missed:
			ds.report(st, target, nil, ev.At)
		default:
			heap.Init(&ds.due)
		}
		if w := dueAt.Add(1); w.Before(ds.wake) {
			ds.wake = w
		}
	}
	return nil
}

// locate finds the instance a grant names: outstanding now (in), or a
// recurring instance still to come (in nil, k its number, due its original
// due date). msg says why there is none.
func (st *oblState) locate(ds *dirState, g grantSpec, ev *event.Event) (in *instance, k int, due civil.Date, msg string) {
	o := st.o
	name := fmt.Sprintf("clause %s (%s)", o.Clause, o.ID)
	gone := func(k int) string {
		return fmt.Sprintf("instance %d of %s was no longer outstanding on %s: it had been discharged or waived; an extension or waiver must come before the event that discharged the instance (on the same day, list it first)", k, name, day(ev.At, ds.d.Location))
	}
	if g.number > 0 {
		k = g.number
		for _, x := range st.outstanding {
			if !x.done && x.Number == k {
				in, due = x, x.Due
				break
			}
		}
		if in == nil {
			switch {
			case k <= st.made:
				return nil, k, due, gone(k)
			case o.Kind == obligation.Once:
				return nil, k, due, fmt.Sprintf("%s falls due once; there is no instance %d", name, k)
			case o.Kind == obligation.Triggered:
				return nil, k, due, fmt.Sprintf("instance %d of %s had not arisen by %s (%d had): a triggered instance can be extended or waived once its trigger has happened", k, name, day(ev.At, ds.d.Location), st.made)
			}
			due, _ = o.DueDate(k)
			if m := st.neverDue(ds, k, due); m != "" {
				return nil, k, due, m
			}
		}
		if g.hasDue && due != g.due {
			return nil, k, due, fmt.Sprintf("instance %d of %s is due on %s, not %s: correct instance or due, or give only one", k, name, due.Long(), g.due.Long())
		}
		return in, k, due, ""
	}
	var hits []*instance
	for _, x := range st.outstanding {
		if !x.done && x.Due == g.due {
			hits = append(hits, x)
		}
	}
	switch {
	case len(hits) == 1:
		return hits[0], hits[0].Number, g.due, ""
	case len(hits) > 1:
		nums := make([]string, len(hits))
		for i, x := range hits {
			nums[i] = fmt.Sprint(x.Number)
		}
		return nil, 0, g.due, fmt.Sprintf("instances %s of %s are all due on %s: give instance to say which", strings.Join(nums, ", "), name, g.due.Long())
	}
	switch o.Kind {
	case obligation.Recurring:
		k, ok := o.InstanceDueOn(g.due)
		if ok {
			if k <= st.made {
				return nil, k, g.due, gone(k)
			}
			if m := st.neverDue(ds, k, g.due); m != "" {
				return nil, k, g.due, m
			}
			return nil, k, g.due, ""
		}
		var near []string
		for _, j := range []int{k - 1, k} {
			if d, _ := o.DueDate(j); !d.IsZero() && (o.Schedule.Limit() == 0 || j <= o.Schedule.Limit()) {
				near = append(near, d.Long())
			}
		}
		hint := ""
		if len(near) > 0 {
			hint = "; the nearest due dates are " + strings.Join(near, " and ")
		}
		return nil, 0, g.due, fmt.Sprintf("no instance of %s falls due on %s%s", name, g.due.Long(), hint)
	case obligation.Once:
		if o.Schedule.On == g.due && st.made > 0 {
			return nil, 1, g.due, gone(1)
		}
		return nil, 0, g.due, fmt.Sprintf("%s is due on %s, not %s", name, o.Schedule.On.Long(), g.due.Long())
	}
	return nil, 0, g.due, fmt.Sprintf("no instance of %s outstanding on %s is due on %s", name, day(ev.At, ds.d.Location), g.due.Long())
}

// neverDue says why recurring instance k, due on due, will never arise,
// or "".
func (st *oblState) neverDue(ds *dirState, k int, due civil.Date) string {
	s := st.o.Schedule
	name := fmt.Sprintf("clause %s (%s)", st.o.Clause, st.o.ID)
	switch {
	case s.Limit() > 0 && k > s.Limit():
		return fmt.Sprintf("%s has %d instances; there is no instance %d", name, s.Limit(), k)
	case !s.Until.IsZero() && due.After(s.Until):
		return fmt.Sprintf("instance %d of %s would be due on %s, after its last due date %s, so it never arises", k, name, due.Long(), s.Until.Long())
	case !st.until.IsZero() && !due.End(ds.d.Location).Before(st.until):
		return fmt.Sprintf("instance %d of %s would be due on %s, after the obligation stopped falling due (its direction ended, or a later direction revoked or replaced it), so it never arises", k, name, due.Long())
	}
	return ""
}

// takeExtended is window attribution for extended instances: an extension
// moves the end of its instance's window to the extended deadline, while
// the next window still opens after the original one. An event in both
// goes to the extended instance (the oldest, if several) while it is
// outstanding: a report sent during an extension is the extended report,
// as a reader of the grant would take it (docs/extensions.md).
func (st *oblState) takeExtended(ds *dirState, ev *event.Event) (bool, error) {
	for _, in := range st.outstanding {
		if in.done || in == st.latest || in.grant == nil || in.grant.ext == nil || ev.At.After(in.grant.extDueAt) {
			continue
		}
		if ok, err := st.take(ds, ev, in, string(obligation.Window), false); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// takeGranted gives a new instance the grants made before it arose, and
// reports whether they waive it.
func (st *oblState) takeGranted(in *instance) bool {
	gr := st.granted[in.Number]
	if gr == nil {
		return false
	}
	delete(st.granted, in.Number)
	in.grant = gr
	return gr.waiver != nil
}

// appendGrant writes the extension in force into a finding's reason,
// after "due <original date>".
func appendGrant(b []byte, g *grants, loc *time.Location) []byte {
	if g.ext != nil {
		b = append(b, ", extended to "...)
		b = appendLongDate(b, g.extDue)
		b = append(b, " by "...)
		b = appendGrantor(b, g.ext, loc)
		if g.extAfter {
			b = append(b, ", after the original deadline had passed"...)
		}
		if g.extN > 1 {
			b = append(b, " (the latest of "...)
			b = append(b, fmt.Sprint(g.extN)...)
			b = append(b, " extensions, which applies)"...)
		}
	}
	return b
}

func appendGrantor(b []byte, ev *event.Event, loc *time.Location) []byte {
	b = append(b, ev.ID...)
	if by := ev.Attr("by"); by != "" {
		b = append(b, " ("...)
		b = append(b, by...)
		b = append(b, ')')
	}
	b = append(b, " on "...)
	return appendLongDate(b, civil.In(ev.At, loc))
}
