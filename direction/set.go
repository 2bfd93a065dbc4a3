package direction

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
)

// Set is the directions evaluated together, usually those issued to one
// council. It settles when each is in force: from its issue date until the
// earliest of the end of its ends date, the start of the day its own
// revoked key gives, and the start of the issue date of a direction in the
// set that revokes it; and, for an obligation another direction in the set
// revokes or replaces, until the start of that direction's issue date.
type Set struct {
	Directions []*Direction
	byID       map[string]*Direction
	revokedBy  map[string]*Direction
	varied     map[string]variedBy
	// known, when set, is the as-of time (see AsOf): a revocation or
	// variation that takes effect after it is not yet known.
	known time.Time
}

// AsOf returns the set as known at t: a revocation or variation by a
// direction issued after t, and a recorded end (revoked.on) after t, are
// not applied, as events after the as-of time are ignored. A revocation
// takes effect, and is known, from the start of its issue date. The
// directions themselves are all kept (one issued after t is not yet in
// force). AsOf of a set already taken as of an earlier time keeps the
// earlier one.
func (s *Set) AsOf(t time.Time) *Set {
	c := *s
	if c.known.IsZero() || t.Before(c.known) {
		c.known = t
	}
	return &c
}

// knows reports whether something taking effect at the start of day (in
// loc) has taken effect by the set's as-of time.
func (s *Set) knows(day civil.Date, loc *time.Location) bool {
	return s.known.IsZero() || !day.Start(loc).After(s.known)
}

// NewSet checks the directions against each other: ids are unique, no
// direction revokes itself or one issued after it, and revocations form no
// cycle. A direction revoked whole that is not in the set is allowed (the
// earlier direction may not be modelled); a variation must name a
// direction, obligations and clauses the set holds.
func NewSet(dirs ...*Direction) (*Set, error) {
	s := &Set{byID: map[string]*Direction{}, revokedBy: map[string]*Direction{}}
	var errs diag.List
	for _, d := range dirs {
		if prev, dup := s.byID[d.ID]; dup {
			errs.Add(d.idAt(), "id", "duplicate direction id %q (also in %s); give each direction its own id", d.ID, prev.File)
			continue
		}
		s.byID[d.ID] = d
		s.Directions = append(s.Directions, d)
	}
	for _, d := range s.Directions {
		for i, r := range d.Revokes {
			old, ok := s.byID[r]
			if !ok {
				continue
			}
			if old.Council != d.Council {
				pos, path := d.revokesAt(), "revokes"
				if i < len(d.revokeAt) && d.revokeAt[i].IsValid() {
					pos = d.revokeAt[i]
				}
				if i < len(d.revokePath) {
					path = d.revokePath[i]
				}
				errs.Add(pos, path, "direction %q is to %s and cannot revoke %q, a direction to %s; %s", d.ID, d.Council, old.ID, old.Council, sameCouncil)
				continue
			}
			if r == d.ID {
				errs.Add(d.revokesAt(), "revokes", "direction %q revokes itself; list only the ids of earlier directions", d.ID)
				continue
			}
			if other, twice := s.revokedBy[r]; twice {
				// The earliest revocation counts; between two of the same day
				// the first in the set's order (by id), so that the order
				// the files were given does not change the output.
				if c := other.Issued.Compare(d.Issued); c > 0 || (c == 0 && d.ID < other.ID) {
					s.revokedBy[r] = d
				}
			} else {
				s.revokedBy[r] = d
			}
			// With dates known only to a range, only a revocation that
			// is certainly earlier is refused; the evaluator leaves out the
			// cases where it would be.
			if old.Issued.After(d.IssuedRange().Last) {
				errs.Add(d.revokesAt(), "revokes", "direction %q (issued %s) cannot revoke %q, which was issued later, on %s; a direction revokes only earlier ones", d.ID, d.IssuedRange(), r, old.IssuedRange())
			}
		}
	}
	s.checkVariations(&errs)
	if cycle := s.cycle(); cycle != nil {
		d := s.byID[cycle[0]]
		errs.Add(d.revokesAt(), "revokes", "revocations form a cycle: %s; a direction revokes only directions issued before it", strings.Join(cycle, " revokes "))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(s.Directions, func(i, j int) bool {
		a, b := s.Directions[i], s.Directions[j]
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
	s.settleVariations()
	return s, nil
}

// idAt is where d's id is, or its file when made in code.
func (d *Direction) idAt() diag.Position {
	if d.idPos.IsValid() {
		return d.idPos
	}
	return diag.Position{File: d.File}
}

// revokesAll lists the directions d revokes whole or in part, for the
// cycle check.
func (d *Direction) revokesAll() []string {
	out := d.Revokes
	for _, v := range d.Varies {
		out = append(out[:len(out):len(out)], v.Direction)
	}
	return out
}

// revokesAt is where d's revokes key is, or its file when made in code.
func (d *Direction) revokesAt() diag.Position {
	if d.revokesPos.IsValid() {
		return d.revokesPos
	}
	return diag.Position{File: d.File}
}

func (s *Set) cycle() []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(id string) bool
	visit = func(id string) bool {
		color[id] = grey
		stack = append(stack, id)
		for _, r := range s.byID[id].revokesAll() {
			if _, ok := s.byID[r]; !ok || r == id {
				continue
			}
			switch color[r] {
			case grey:
				for i, x := range stack {
					if x == r {
						found = append(append([]string{}, stack[i:]...), r)
					}
				}
				return true
			case white:
				if visit(r) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
		return false
	}
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if color[id] == white && visit(id) {
			return found
		}
	}
	return nil
}

// Get returns the direction with id, or nil.
func (s *Set) Get(id string) *Direction { return s.byID[id] }

// Force says when a direction is in force.
type Force struct {
	// From is the first instant in force.
	From time.Time
	// Until is the first instant no longer in force; zero while it is in
	// force with no end.
	Until time.Time
	// FromLatest and UntilLatest are zero when the dates are known to the
	// day. When an issue, end or revocation date is known only to a range,
	// From and Until are the earliest they may be and these the latest.
	FromLatest, UntilLatest time.Time
	// RevokedBy is the id of the direction that revoked it, if any;
	// RevokedByInstrument names in words the instrument that revoked it
	// when the direction records that itself (Direction.Revoked).
	RevokedBy           string
	RevokedByInstrument string
	// Varied is set by ObligationForce when the obligation ends because a
	// later direction revokes or replaces it.
	Varied bool
	// Reason says in words why it ends when it does.
	Reason string
}

// InForce reports whether t is within the period.
func (f Force) InForce(t time.Time) bool {
	return !t.Before(f.From) && (f.Until.IsZero() || t.Before(f.Until))
}

// Force returns when d is in force within the set.
func (s *Set) Force(d *Direction) Force {
	f := Force{From: d.Start(), Reason: "in force until revoked"}
	if !d.IssuedThrough.IsZero() {
		f.FromLatest = d.IssuedThrough.Start(d.Location)
	}
	if !d.Ends.IsZero() {
		f.Until = d.Ends.AddDays(1).Start(d.Location)
		f.Reason = fmt.Sprintf("in force until the end of %s, its end date", d.Ends.Long())
		if !d.EndsThrough.IsZero() {
			f.UntilLatest = d.EndsThrough.AddDays(1).Start(d.Location)
			f.Reason = fmt.Sprintf("in force until the end of a day in %s, its end date (the day is not known)", d.EndsRange().Long())
		}
	}
	// A revocation the direction records itself and one by a loaded
	// direction: the earliest counts; on the same day the loaded one,
	// whose text is modelled. The reason mentions the one that lost.
	var stated string
	if rv := d.Revoked; rv != nil && s.knows(rv.On, d.Location) {
		until := rv.On.Start(d.Location)
		if f.Until.IsZero() || until.Before(f.Until) {
			f.Until, f.UntilLatest, f.RevokedByInstrument = until, time.Time{}, rv.By
			f.Reason = fmt.Sprintf("revoked by %s on %s, as the direction file records: in force until the end of %s", rv.By, rv.On.Long(), rv.On.AddDays(-1).Long())
			if !rv.Through.IsZero() {
				f.UntilLatest = rv.Through.Start(d.Location)
				last := civil.Range{First: rv.On.AddDays(-1), Last: rv.Through.AddDays(-1)}
				f.Reason = fmt.Sprintf("revoked by %s on a day in %s that is not known, as the direction file records: in force until the end of a day in %s", rv.By, rv.Range().Long(), last.Long())
			} else if !until.After(f.From) {
				f.Reason = fmt.Sprintf("revoked by %s on the day it was made, %s, as the direction file records: never in force", rv.By, rv.On.Long())
			}
		}
	}
	// revokedBy is the earliest revoker: if it is not yet known, no
	// other is.
	if r := s.revokedBy[d.ID]; r != nil && s.knows(r.Issued, d.Location) {
		until := r.Issued.Start(d.Location)
		if f.Until.IsZero() || until.Before(f.Until) || (until.Equal(f.Until) && f.RevokedByInstrument != "") {
			if d.Revoked != nil && f.RevokedByInstrument != "" && s.knows(d.Revoked.On, d.Location) {
				stated = fmt.Sprintf("; the file also records a revocation by %s on %s, which is not earlier", d.Revoked.By, d.Revoked.On.Long())
			}
			f.Until, f.UntilLatest, f.RevokedBy, f.RevokedByInstrument = until, time.Time{}, r.ID, ""
			f.Reason = fmt.Sprintf("revoked by %s, issued %s: in force until the end of %s", r.ID, r.Issued.Long(), r.Issued.AddDays(-1).Long())
			if !r.IssuedThrough.IsZero() {
				f.UntilLatest = r.IssuedThrough.Start(d.Location)
				last := civil.Range{First: r.Issued.AddDays(-1), Last: r.IssuedThrough.AddDays(-1)}
				f.Reason = fmt.Sprintf("revoked by %s, issued on a day in %s that is not known: in force until the end of a day in %s", r.ID, r.IssuedRange().Long(), last.Long())
			} else if !until.After(f.From) {
				f.Reason = fmt.Sprintf("revoked by %s, issued the same day, %s: never in force", r.ID, r.Issued.Long())
			}
			f.Reason += stated
		} else if f.RevokedByInstrument != "" {
			f.Reason += fmt.Sprintf("; %s, loaded, revokes it too, but only from %s", r.ID, r.Issued.Long())
		}
	}
	return f
}
