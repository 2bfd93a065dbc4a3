package evaluator

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/event"
)

// Ties between simultaneous triggers (rule 4). Events at one instant are
// taken in input order, and under oldest-outstanding the first of two
// instances triggered at the same instant is the older. When an event that
// discharged one of them satisfies the other too, the history does not say
// which it was for: input order chose, and another order of the same events
// could give the two triggers each other's verdicts. Such a finding is not
// silently definite: both instances carry the tie (Finding.TiedWith, and
// words in Reason). The discharges of instances that may be tied wait
// until their instant has passed (flush), so that a trigger later in the
// same instant is weighed too; Evaluate, Stream and Monitor see the same
// ties because all three flush when time moves on and when they finish.

// tieGroup is the triggered instances of one obligation made at one instant.
type tieGroup struct{ members []*instance }

// tieMark is one tie found: the event by, which discharged this instance
// (mine) or the other trigger's, satisfies both.
type tieMark struct {
	other, by string
	mine      bool
}

// heldDischarge is a discharge whose finding waits for its instant to pass.
type heldDischarge struct {
	ds *dirState
	st *oblState
	in *instance
	by *event.Event
}

// joinTie puts in, just made, in the tie group of the last instance of st
// when their triggers share an instant.
func (st *oblState) joinTie(in *instance) {
	if p := st.lastTrig; p != nil && p.Trigger.At.Equal(in.Trigger.At) {
		if p.tie == nil {
			p.tie = &tieGroup{members: []*instance{p}}
		}
		in.tie = p.tie
		p.tie.members = append(p.tie.members, in)
	}
	st.lastTrig = in
}

// reportDischarged reports in, discharged by by, or holds the finding until
// the instant has passed when in may be tied: its group has other members,
// or its trigger's instant is still running and another trigger may join.
func (ds *dirState) reportDischarged(st *oblState, in *instance, by *event.Event) {
	if in.Trigger == nil || (in.tie == nil && ds.eng.now.After(in.Trigger.At)) {
		ds.eng.report(ds, st, ds.finding(st, in, by, time.Time{}))
		return
	}
	if ds.eng.keep {
		// The caller may reuse its events once observe returns.
		c := *by
		c.Attrs = maps.Clone(by.Attrs)
		by = &c
	}
	in.held = true
	ds.eng.held = append(ds.eng.held, heldDischarge{ds, st, in, by})
}

// flush finds the ties among the held discharges and reports them. An
// event that discharged a member of a group is tied with every other
// member it satisfies that was still outstanding at its instant, or was
// itself discharged at that instant.
func (e *engine) flush() error {
	if len(e.held) == 0 {
		return nil
	}
	held := e.held
	e.held = nil
	for _, h := range held {
		if h.in.tie == nil {
			continue
		}
		for _, b := range h.in.tie.members {
			if b == h.in || (b.done && !b.held) {
				continue
			}
			// The whole condition: a key or a quick filter that decides
			// it alone was tested against h.in only.
			ok, err := h.st.o.Satisfies(h.ds.vars, h.by, &b.Instance)
			if err != nil {
				return err
			}
			if ok {
				h.in.mark(tieMark{other: b.Trigger.ID, by: h.by.ID, mine: true})
				b.mark(tieMark{other: h.in.Trigger.ID, by: h.by.ID})
			}
		}
	}
	for _, h := range held {
		h.in.held = false
		e.report(h.ds, h.st, h.ds.finding(h.st, h.in, h.by, time.Time{}))
	}
	return nil
}

func (in *instance) mark(m tieMark) {
	if !slices.Contains(in.tied, m) {
		in.tied = append(in.tied, m)
	}
}

// appendTie words the ties of in, for the finding's reason, and returns
// the other triggers' ids, sorted.
func appendTie(b []byte, in *instance) ([]byte, []string) {
	marks := slices.Clone(in.tied)
	slices.SortFunc(marks, func(x, y tieMark) int {
		if c := strings.Compare(x.by, y.by); c != 0 {
			return c
		}
		return strings.Compare(x.other, y.other)
	})
	var ids []string
	for _, m := range marks {
		if !slices.Contains(ids, m.other) {
			ids = append(ids, m.other)
		}
		b = append(b, "; tie: "...)
		b = append(b, m.by...)
		if m.mine {
			b = append(b, " also satisfies the instance of "...)
			b = append(b, m.other...)
			b = append(b, ", triggered at the same instant, and went to this one only because events at one instant are taken in input order"...)
		} else {
			b = append(b, ", which discharged the instance of "...)
			b = append(b, m.other...)
			b = append(b, ", triggered at the same instant, also satisfies this one and went there only because events at one instant are taken in input order"...)
		}
	}
	b = append(b, "; the history does not say which trigger it answered, so in another order of the same events this verdict could differ"...)
	slices.Sort(ids)
	return b, ids
}
