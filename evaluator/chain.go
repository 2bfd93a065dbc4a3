package evaluator

import (
	"errors"
	"slices"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// An obligation and the one that replaces it (a later direction's
// replaces key) are one duty under two texts, so for attribution they are
// one series: an event discharges at most one instance of the chain, and
// which one is decided by the attribution rule of the obligation in force
// when the event happens (docs/lifecycle.md, "One report, one instance").
// Directions are walked in issue order, so the replaced obligation sees an
// event first:
//
//   - before the replacement is in force the replaced obligation applies
//     its own rule, and the replacing one counts nothing (rule 4);
//   - from then on, under oldest-outstanding the replaced obligation's
//     oldest outstanding instance takes the event (a late report for the
//     overdue period, as within one series); under window the event falls
//     in the replacing series' window and the replaced obligation leaves
//     it; under an attribute the instance whose due date it names takes
//     it, in whichever series that date is;
//   - an event the replaced obligation took is blocked for the replacing
//     one (use.blocked), which neither discharges nor retains it.

// linkReplacements sets succ from Set.ReplacedBy, and pred on every
// obligation that replaces one of a loaded direction.
func (e *engine) linkReplacements() {
	for _, ds := range e.states {
		for _, v := range ds.d.Varies {
			if v.ReplacedBy != "" && e.set.Get(v.Direction) != nil {
				for _, st := range ds.obls {
					st.pred = st.pred || st.o.ID == v.ReplacedBy
				}
			}
		}
		for _, st := range ds.obls {
			nd, no := e.set.ReplacedBy(ds.d, st.o)
			if no == nil {
				continue
			}
			for _, x := range e.states {
				if x.d != nd {
					continue
				}
				for _, y := range x.obls {
					if y.o == no {
						st.succ, st.succFrom = y, x.force.From
					}
				}
			}
		}
	}
}

// block records that ev, which st has just discharged, may discharge no
// obligation that replaces st, directly or down the chain.
func (u *use) block(st *oblState) {
	for s := st.succ; s != nil; s = s.succ {
		u.blocked = append(u.blocked, s)
	}
}

func (u *use) isBlocked(st *oblState) bool { return slices.Contains(u.blocked, st) }

// dischargeReplaced offers ev, dated when an obligation replacing st is in
// force, to st's outstanding instances under that obligation's rule.
func (st *oblState) dischargeReplaced(ds *dirState, ev *event.Event) (bool, error) {
	g := st.succ
	for g.succ != nil && !ev.At.Before(g.succFrom) {
		g = g.succ
	}
	a := &g.o.Attribution
	rule, v := a.RuleFor(ev)
	if rule == obligation.ByAttribute {
		return st.dischargeNamedReplaced(ds, ev, v, a)
	}
	if rule == obligation.Window {
		return false, nil // it falls in the replacing series' window
	}
	if st.open != nil {
		return st.discharge(ds, ev, nil) // keyed: its trigger decides
	}
	return st.takeOldest(ds, ev)
}

// dischargeNamedReplaced gives ev to st's instance due on the day v names,
// if st has one outstanding. A day before the replacing direction that no
// instance of st was ever due on is an error, as for dischargeNamed.
func (st *oblState) dischargeNamedReplaced(ds *dirState, ev *event.Event, v any, a *obligation.Attribution) (bool, error) {
	loc := ds.d.Location
	s, ok := v.(string)
	if !ok {
		return false, nil // not a date: the replacing obligation says so
	}
	t, _, err := event.ParseTime(s, loc)
	if err != nil {
		return false, nil
	}
	d := civil.In(t, loc)
	if !d.Start(loc).Before(st.succFrom) {
		return false, nil // a due date of the replacing series
	}
	rule := a.Name()
	if st.open != nil {
		// Keyed: only the instance whose trigger ev names can qualify.
		k, _ := fieldOf(ev, st.key)
		if in := st.open.get(k).find(st.o); in != nil && in.Due == d {
			return st.take(ds, ev, in, rule, false)
		}
		return false, nil
	}
	for _, in := range st.outstanding {
		if !in.done && in.Due == d {
			return st.take(ds, ev, in, rule, false)
		}
	}
	if st.o.Kind != obligation.Recurring || st.latest == nil {
		return false, nil
	}
	if _, _, problem := namedInstance(st.o, a.Attribute, v, loc); problem != "" {
		// Only an event the obligation's condition accepts is its concern.
		if ok, err := st.satisfies(ds, ev, st.latest); err != nil || !ok {
			return false, err
		}
		return false, &obligation.EvalError{Obligation: st.o.ID, Clause: st.o.Clause, Expr: "attribution", Pos: a.Pos,
			Event: ev.ID, EventPos: ev.Pos, Err: errors.New(problem)}
	}
	return false, nil
}
