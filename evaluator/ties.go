package evaluator

import (
	"strconv"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/obligation"
)

// Ties between simultaneous triggers (rule 4). Events at one instant are
// taken in input order, so of two instances of one obligation triggered at
// the same instant the first listed is the older, and oldest-outstanding
// gives it the first event that satisfies both. When the condition cannot
// tell the two apart (it reads nothing of the trigger but its time, so an
// event satisfying one satisfies the other), the history does not say
// which request such an event answered. That matters only when the two
// verdicts differ: exchanging the instances would then change them.
//
// The flag is a pass over a Result's final findings (markTies), not part
// of the run: a tie can depend on an event long after both findings were
// reported (the second request missed at its deadline, the first answered
// late afterwards), so Monitor's and Stream's reports as findings become
// final do not carry it, and nothing is held back for it. It costs nothing
// unless two findings of an eligible obligation share a trigger instant.
//
// Two findings X and Y of such a group are tied when their (status, days
// late) differ and one of them, say X, was discharged under
// oldest-outstanding by an event at a time when Y was not yet done (Y
// discharged after that instant, waived at or after it, or never): that
// event satisfied Y too, and went to X only by input order. A waiver
// landing at the very instant of the event counts as not yet done (input
// order decided it as well); a discharge at that instant does not (the two
// events could be exchanged, and neither verdict would change). A keyed condition (event.request == trigger.id) or
// one that reads the trigger's id, type or attributes never ties here.

// maxTiedListed bounds the triggers a finding names; TiedCount has them all.
const maxTiedListed = 5

// markTies sets TiedWith, TiedCount and the reason's words on the findings
// of fs (in Evaluate's order: by direction, obligation, instance) that tie.
// A group is of one obligation, so fs is taken a run of one obligation's
// findings at a time, and the triggers' instants are compared only in the
// runs of obligations whose condition can tie (tieEligible): in most
// checks none can, and comparing every finding's trigger with the next's
// was a pass over the whole result, reading each trigger.
func markTies(set *direction.Set, fs []Finding) {
	var eligible map[[2]string]bool
	for i := 0; i < len(fs); {
		end := i + 1
		for end < len(fs) && fs[end].Obligation == fs[i].Obligation && fs[end].Direction == fs[i].Direction {
			end++
		}
		k := [2]string{fs[i].Direction, fs[i].Obligation}
		ok, seen := eligible[k]
		if !seen {
			if eligible == nil {
				eligible = map[[2]string]bool{}
			}
			ok = tieEligible(set, k[0], k[1])
			eligible[k] = ok
		}
		if ok {
			markRun(fs[i:end])
		}
		i = end
	}
}

// markRun marks the ties among run, findings of one eligible obligation.
func markRun(run []Finding) {
	for i := 0; i < len(run); {
		j := i + 1
		if t := run[i].Trigger; t != nil {
			for j < len(run) && run[j].Trigger != nil && run[j].Trigger.At.Equal(t.At) {
				j++
			}
		}
		if j-i > 1 && mayTie(run[i:j]) {
			markGroup(run[i:j])
		}
		i = j
	}
}

// mayTie reports whether g, findings whose triggers share an instant, has
// two verdicts and an oldest-outstanding discharge: else nothing ties, and
// the condition need not be read.
func mayTie(g []Finding) bool {
	differ, placed := false, false
	for i := range g {
		differ = differ || g[i].Status != g[0].Status || g[i].DaysLate != g[0].DaysLate
		placed = placed || g[i].Attribution == string(obligation.OldestOutstanding)
	}
	return differ && placed
}

// tieEligible reports whether the obligation's discharge condition reads
// nothing of its trigger but trigger.at, so that of two instances triggered
// at one instant an event satisfies both or neither.
func tieEligible(set *direction.Set, dir, obl string) bool {
	for _, d := range set.Directions {
		if d.ID != dir {
			continue
		}
		for _, o := range d.Obligations {
			if o.ID == obl && o.Kind == obligation.Triggered {
				return readsOnlyTriggerAt(o.SatisfiedBy())
			}
		}
	}
	return false
}

// readsOnlyTriggerAt reports whether "trigger" appears in a condition only
// as trigger.at (or not at all). When unsure it says no.
func readsOnlyTriggerAt(text string) bool {
	if text == "" {
		return false
	}
	idents, at, ok := triggerUses(text, "at")
	if !ok || idents != at {
		return false
	}
	// instance.due and instance.number tell two instances apart.
	inst, _, _ := varUses(text, "instance")
	return inst == 0
}

// markGroup marks the ties among g, findings of one eligible obligation
// whose triggers share an instant.
func markGroup(g []Finding) {
	// Each finding's facts are worked out once, so that the pairwise
	// comparison below is of numbers (a group can hold thousands of
	// requests made at one instant).
	type facts struct {
		status   Status
		daysLate int
		// witness: f's discharge, at done, was placed by
		// oldest-outstanding.
		witness bool
		// open(w): f was not yet done when an event at w went elsewhere.
		// One discharged at w itself was not: another event of that
		// instant went to it, and exchanging the two events changes
		// neither verdict. One waived at w was: the waiver names an
		// instance by its number, which input order gave.
		discharged bool
		done       instant // discharged, waived, or never (farInstant)
	}
	open := func(f *facts, w instant) bool {
		if f.discharged {
			return f.done.after(w)
		}
		return !w.after(f.done)
	}
	fs := make([]facts, len(g))
	for i := range g {
		f, x := &fs[i], &g[i]
		f.status, f.daysLate, f.done = x.Status, x.DaysLate, farInstant
		switch {
		case x.DischargedBy != nil:
			f.discharged, f.done = true, instantOf(x.DischargedBy.At)
			f.witness = x.Attribution == string(obligation.OldestOutstanding)
		case x.Waiver != nil:
			f.done = instantOf(x.Waiver.At)
		}
	}
	tied := func(x, y *facts) bool {
		if x.status == y.status && x.daysLate == y.daysLate {
			return false
		}
		return x.witness && open(y, x.done) || y.witness && open(x, y.done)
	}
	for i := range g {
		var ids []string
		n := 0
		for j := range g {
			if j != i && tied(&fs[i], &fs[j]) {
				n++
				if len(ids) < maxTiedListed {
					ids = append(ids, g[j].Trigger.ID)
				}
			}
		}
		if n == 0 {
			continue
		}
		g[i].TiedWith, g[i].TiedCount = ids, n
		g[i].Reason += tieWords(ids, n, false)
	}
}

// instant is a time as two numbers, compared without time.Time's
// location and monotonic reading; farInstant is after every event.
type instant struct {
	sec  int64
	nsec int32
}

var farInstant = instant{sec: 1 << 62}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (a instant) after(b instant) bool {
	return a.sec > b.sec || a.sec == b.sec && a.nsec > b.nsec
}

// tieWords is the reason's sentence for a tie with ids (n in all); some
// says the tie holds in some cases of an unknown date only (rule 8).
func tieWords(ids []string, n int, some bool) string {
	b := []byte("; tie")
	if some {
		b = append(b, ", in some cases at least,"...)
	}
	if n > 1 {
		b = append(b, " with the instances of "...)
	} else {
		b = append(b, " with the instance of "...)
	}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, id...)
	}
	if n > len(ids) {
		b = append(b, " and "...)
		b = strconv.AppendInt(b, int64(n-len(ids)), 10)
		b = append(b, " more"...)
	}
	if n > 1 {
		b = append(b, ", triggered at the same instant, whose verdicts differ from this one: for each, an event"...)
	} else {
		b = append(b, ", triggered at the same instant, whose verdict differs: an event"...)
	}
	b = append(b, " that discharged one of the two also satisfies the other and went where it did only because events at one instant are taken in input order; the history does not say which trigger it answered, and exchanging the two would change this verdict"...)
	return string(b)
}
