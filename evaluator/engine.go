package evaluator

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/civil"
	"github.com/dfe-tools/directions/obligation"
)

// instance is an obligation instance being tracked.
type instance struct {
	obligation.Instance
	discharged *event.Event
}

// oblState tracks one obligation of one direction.
type oblState struct {
	o *obligation.Obligation
	// all instances generated so far, in number order.
	all []*instance
	// outstanding instances (generated, opened, not discharged), oldest
	// first.
	outstanding []*instance
	// next recurring instance number to generate; 0 when exhausted.
	next int
	// retained events that discharged nothing yet; a triggered instance
	// created later may be discharged by them (rule 4).
	retained []retained
}

type retained struct {
	ev *event.Event
	u  *use
}

// dirState tracks one direction.
type dirState struct {
	d     *direction.Direction
	force direction.Force
	vars  *obligation.Vars
	obls  []*oblState
	trace Trace // Options.Trace; nil unless explaining
}

// use records what an event did.
type use struct{ discharged, triggered, breached bool }

func newDirState(d *direction.Direction, f direction.Force) *dirState {
	ds := &dirState{d: d, force: f, vars: d.Vars()}
	for _, o := range d.Obligations {
		st := &oblState{o: o}
		switch o.Kind {
		case obligation.Recurring:
			st.next = 1
		case obligation.Once:
			st.generate(ds, 1, o.Schedule.On, ds.force.From, o.Schedule.OnSource, nil)
		}
		ds.obls = append(ds.obls, st)
	}
	return ds
}

// generate creates instance k due on due, unless it falls due after the
// direction stopped being in force.
func (st *oblState) generate(ds *dirState, k int, due civil.Date, opens time.Time, basis string, trigger *event.Event) *instance {
	dueAt := due.End(ds.d.Location)
	if !ds.force.Until.IsZero() && !dueAt.Before(ds.force.Until) {
		return nil
	}
	in := &instance{Instance: obligation.Instance{
		Obligation: st.o, Number: k, Opens: opens, Due: due, DueAt: dueAt, Trigger: trigger, Basis: basis,
	}}
	st.all = append(st.all, in)
	st.outstanding = append(st.outstanding, in)
	if ds.trace != nil {
		ds.traceCreated(in)
	}
	return in
}

// advance opens the recurring instances whose windows have opened by t
// (inclusive when inclusive is true, which as-of times use).
func (ds *dirState) advance(t time.Time) {
	for _, st := range ds.obls {
		if st.o.Kind != obligation.Recurring {
			continue
		}
		for st.next > 0 {
			k := st.next
			opens := ds.force.From
			if k > 1 {
				opens = st.all[len(st.all)-1].DueAt
				if !t.After(opens) {
					break
				}
			} else if t.Before(opens) {
				break
			}
			s := st.o.Schedule
			due, basis := st.o.DueDate(k)
			if (s.Count > 0 && k > s.Count) || (!s.Until.IsZero() && due.After(s.Until)) {
				st.next = 0
				break
			}
			if st.generate(ds, k, due, opens, basis, nil) == nil {
				st.next = 0
				break
			}
			st.next++
		}
	}
}

// observe applies one event to the direction's obligations.
func (ds *dirState) observe(ev *event.Event, u *use) error {
	ds.advance(ev.At)
	active := !ev.At.Before(ds.force.From)
	if !active {
		return nil
	}
	inForce := ds.force.InForce(ev.At)
	for _, st := range ds.obls {
		o := st.o
		if o.Kind == obligation.Prohibition {
			if !inForce || !o.MayTrigger(ev.Type) {
				continue
			}
			hit, err := o.Matches(ds.vars, ev)
			if err != nil {
				return err
			}
			if hit {
				in := &instance{Instance: obligation.Instance{Obligation: o, Number: len(st.all) + 1, Opens: ds.force.From, Trigger: ev}}
				st.all = append(st.all, in)
				u.breached = true
			}
			continue
		}
		matched := false
		if o.MaySatisfy(ev.Type) {
			var err error
			if matched, err = st.discharge(ds, ev); err != nil {
				return err
			}
			if matched {
				u.discharged = true
			} else if o.Kind == obligation.Triggered && inForce {
				st.retained = append(st.retained, retained{ev, u})
			}
		}
		if o.Kind == obligation.Triggered && inForce && o.MayTrigger(ev.Type) {
			hit, err := o.Matches(ds.vars, ev)
			if err != nil {
				return err
			}
			if !hit {
				continue
			}
			due, err := o.DueFor(ds.vars, ev, ds.d.Location)
			if err != nil {
				return err
			}
			basis := fmt.Sprintf("%s, computed from %s of %s", due.Long(), ev.ID, civil.In(ev.At, ds.d.Location).Long())
			in := st.generate(ds, len(st.all)+1, due, ds.force.From, basis, ev)
			if in == nil {
				continue
			}
			u.triggered = true
			if err := st.claimRetained(ds, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// discharge gives ev to the oldest outstanding instance it satisfies.
func (st *oblState) discharge(ds *dirState, ev *event.Event) (bool, error) {
	for i, in := range st.outstanding {
		ok, err := st.o.Satisfies(ds.vars, ev, &in.Instance)
		if err != nil {
			return false, err
		}
		if ds.trace != nil {
			ds.traceTested(in, ev, ok, false)
		}
		if ok {
			in.discharged = ev
			st.outstanding = append(st.outstanding[:i:i], st.outstanding[i+1:]...)
			return true, nil
		}
	}
	return false, nil
}

// claimRetained lets a new triggered instance take the earliest retained
// event that satisfies it: rule 4's "open from the start of the direction".
func (st *oblState) claimRetained(ds *dirState, in *instance) error {
	for i, r := range st.retained {
		ok, err := st.o.Satisfies(ds.vars, r.ev, &in.Instance)
		if err != nil {
			return err
		}
		if ds.trace != nil {
			ds.traceTested(in, r.ev, ok, true)
		}
		if ok {
			in.discharged = r.ev
			r.u.discharged = true
			st.retained = append(st.retained[:i:i], st.retained[i+1:]...)
			for j, x := range st.outstanding {
				if x == in {
					st.outstanding = append(st.outstanding[:j:j], st.outstanding[j+1:]...)
					break
				}
			}
			return nil
		}
	}
	return nil
}
