package direction_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// Adversarial cases for when a direction is in force. London is on GMT
// (UTC+0) from the last Sunday of October to the last Sunday of March and
// on BST (UTC+1) otherwise; the instants below are worked out in UTC.

func advDir(t *testing.T, id, issued, extra string) *direction.Direction {
	t.Helper()
	src := fmt.Sprintf(`
id: %s
title: test
council: council
issued_by: sos
issued: %s
%s
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: once
    clause: "1"
    holder: council
    summary: a report
    source: test
    once: {date: %s}
    satisfied_by: event.type == "report"
`, id, issued, extra, issued)
	d, err := direction.Parse(id+".yaml", []byte(src), direction.Options{})
	require.NoError(t, err)
	return d
}

func advSet(t *testing.T, dirs ...*direction.Direction) *direction.Set {
	t.Helper()
	s, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	return s
}

func TestAdversarialRevocationBoundaries(t *testing.T) {
	a := advDir(t, "a", "2018-01-25", "")
	b := advDir(t, "b", "2018-03-05", "revokes: [a]")
	f := advSet(t, a, b).Force(a)
	// In force from 25 Jan 00:00 GMT = 00:00Z until 5 Mar 00:00 GMT.
	assert.Equal(t, time.Date(2018, 1, 25, 0, 0, 0, 0, time.UTC), f.From.UTC())
	assert.Equal(t, time.Date(2018, 3, 5, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Equal(t, "b", f.RevokedBy)
	assert.True(t, f.InForce(f.From))
	assert.False(t, f.InForce(f.From.Add(-time.Nanosecond)))
	assert.True(t, f.InForce(f.Until.Add(-time.Nanosecond)), "the last instant of 4 Mar is in force")
	assert.False(t, f.InForce(f.Until))
	assert.Contains(t, f.Reason, "4 Mar 2018", "last day in force is the day before b's issue")
}

func TestAdversarialRevokedOnItsOwnIssueDay(t *testing.T) {
	// Issued and revoked on the same day: in force from the start of 5 Mar
	// until the start of 5 Mar, i.e. never.
	a := advDir(t, "a", "2018-03-05", "")
	b := advDir(t, "b", "2018-03-05", "revokes: [a]")
	f := advSet(t, a, b).Force(a)
	assert.Equal(t, f.From, f.Until)
	assert.False(t, f.InForce(f.From))
	assert.Equal(t, "b", f.RevokedBy)
	// Not "in force until the end of 4 Mar 2018", the day before it was made.
	assert.NotContains(t, f.Reason, "4 Mar 2018")
	assert.Contains(t, f.Reason, "never in force")
}

func TestAdversarialTwoRevokers(t *testing.T) {
	a := advDir(t, "a", "2018-01-01", "")
	late := advDir(t, "late", "2018-03-01", "revokes: [a]")
	early := advDir(t, "early", "2018-02-01", "revokes: [a]")
	// The earlier revocation wins, whatever the order given: until 1 Feb
	// 00:00 GMT.
	for _, order := range [][]*direction.Direction{{a, late, early}, {early, late, a}, {late, a, early}} {
		s := advSet(t, order...)
		f := s.Force(a)
		assert.Equal(t, time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC), f.Until.UTC())
		assert.Equal(t, "early", f.RevokedBy)
	}
}

func TestAdversarialTwoRevokersSameDayDeterministic(t *testing.T) {
	// Two directions issued on the same day both revoke a. Until is the
	// same either way (1 Feb 00:00Z); which one is named must not depend on
	// the order the files were given (rule 6).
	a := advDir(t, "a", "2018-01-01", "")
	x := advDir(t, "x", "2018-02-01", "revokes: [a]")
	y := advDir(t, "y", "2018-02-01", "revokes: [a]")
	f1 := advSet(t, a, x, y).Force(a)
	f2 := advSet(t, a, y, x).Force(a)
	assert.Equal(t, time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC), f1.Until.UTC())
	assert.Equal(t, "x", f1.RevokedBy, "the first of the two in the set's own order (issued, then id)")
	assert.Equal(t, f1.RevokedBy, f2.RevokedBy)
	assert.Equal(t, f1.Reason, f2.Reason)
}

func TestAdversarialRevocationAndEnds(t *testing.T) {
	// ends 10 Feb, revoked 1 Mar: the end date comes first; until 11 Feb
	// 00:00 GMT.
	a := advDir(t, "a", "2018-01-01", "ends: 2018-02-10")
	b := advDir(t, "b", "2018-03-01", "revokes: [a]")
	f := advSet(t, a, b).Force(a)
	assert.Equal(t, time.Date(2018, 2, 11, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Empty(t, f.RevokedBy)
	assert.True(t, f.InForce(time.Date(2018, 2, 10, 23, 59, 59, 999999999, time.UTC)), "the whole end date is in force")

	// ends 10 Mar, revoked 1 Mar: the revocation comes first.
	a2 := advDir(t, "a", "2018-01-01", "ends: 2018-03-10")
	f = advSet(t, a2, b).Force(a2)
	assert.Equal(t, time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Equal(t, "b", f.RevokedBy)
}

func TestAdversarialForceOnBSTChangeDays(t *testing.T) {
	// Issued on the 23-hour day 25 Mar 2018: from 00:00 GMT = 00:00Z.
	// Ends the same day: until 26 Mar 00:00 BST = 25 Mar 23:00Z.
	a := advDir(t, "a", "2018-03-25", "ends: 2018-03-25")
	f := advSet(t, a).Force(a)
	assert.Equal(t, time.Date(2018, 3, 25, 0, 0, 0, 0, time.UTC), f.From.UTC())
	assert.Equal(t, time.Date(2018, 3, 25, 23, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Equal(t, 23*time.Hour, f.Until.Sub(f.From))

	// Revoked by a direction of 28 Oct 2018 (the 25-hour day): until 28 Oct
	// 00:00 BST = 27 Oct 23:00Z; 27 Oct 23:30 BST (22:30Z) is in force,
	// 28 Oct 00:30 BST (23:30Z on the 27th) is not.
	b := advDir(t, "b", "2018-06-01", "")
	c := advDir(t, "c", "2018-10-28", "revokes: [b]")
	f = advSet(t, b, c).Force(b)
	assert.Equal(t, time.Date(2018, 10, 27, 23, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.True(t, f.InForce(time.Date(2018, 10, 27, 22, 30, 0, 0, time.UTC)))
	assert.False(t, f.InForce(time.Date(2018, 10, 27, 23, 30, 0, 0, time.UTC)))

	// Revoked by a direction of 1 Mar 2020: last day in force 29 Feb 2020.
	d := advDir(t, "d", "2020-01-01", "")
	e := advDir(t, "e", "2020-03-01", "revokes: [d]")
	f = advSet(t, d, e).Force(d)
	assert.Contains(t, f.Reason, "29 Feb 2020")
}

func TestAdversarialRevokerIssuedBeforeRevoked(t *testing.T) {
	a := advDir(t, "a", "2018-03-05", "")
	b := advDir(t, "b", "2018-03-04", "revokes: [a]")
	_, err := direction.NewSet(a, b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "issued later")
	// And a cycle through directions issued on the same day is refused.
	x := advDir(t, "x", "2018-03-05", "revokes: [y]")
	y := advDir(t, "y", "2018-03-05", "revokes: [x]")
	_, err = direction.NewSet(x, y)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle")
}

func TestAdversarialOnceDueBeforeIssue(t *testing.T) {
	// once.date before the issue date is refused; the same date given as
	// a CEL due expression must be refused too: 1 Jan 2018 is before the
	// issue date of 25 Jan 2018, so the instance could never be met.
	for _, once := range []string{`{date: 2018-01-01}`, `{due: 'date("2018-01-01")'}`, `{due: 'endOfMonth(date("2017-12-01"))'}`} {
		src := fmt.Sprintf(`
id: a
title: test
council: council
issued_by: sos
issued: 2018-01-25
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: once
    clause: "1"
    holder: council
    summary: a report
    source: test
    once: %s
    satisfied_by: event.type == "report"
`, once)
		_, err := direction.Parse("a.yaml", []byte(src), direction.Options{})
		if assert.Error(t, err, once) {
			assert.Contains(t, err.Error(), "before the direction was issued", once)
		}
	}
}

func TestAdversarialUntilBeforeFirstDue(t *testing.T) {
	// Issued 25 Jan 2018, quarterly: first due 25 Apr 2018. until 24 Apr
	// leaves no instance at all, which should be reported rather than
	// silently giving an obligation that never falls due. until 25 Apr
	// (inclusive) gives one instance and is fine.
	mk := func(until string) string {
		return fmt.Sprintf(`
id: a
title: test
council: council
issued_by: sos
issued: 2018-01-25
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: r
    clause: "1"
    holder: council
    summary: a report
    source: test
    recurring: {every: quarterly, until: %s}
    satisfied_by: event.type == "report"
`, until)
	}
	_, err := direction.Parse("a.yaml", []byte(mk("2018-04-24")), direction.Options{})
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), "25 Apr 2018")
	}
	_, err = direction.Parse("a.yaml", []byte(mk("2018-04-25")), direction.Options{})
	assert.NoError(t, err)
}

func TestAdversarialDueAfterEnds(t *testing.T) {
	// A direction of 25 Jan 2018 that ends on 30 Apr 2018. Rule 1 generates
	// no instance due after the end, so a once date of 1 May, or a
	// recurring series first due on 25 Jul (every 6 months), could never
	// fall due: an error, not a silently dead obligation. 30 Apr itself and
	// a quarterly series (first due 25 Apr) are fine.
	mk := func(schedule string) string {
		return fmt.Sprintf(`
id: a
title: test
council: council
issued_by: sos
issued: 2018-01-25
ends: 2018-04-30
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: x
    clause: "1"
    holder: council
    summary: a report
    source: test
    %s
    satisfied_by: event.type == "report"
`, schedule)
	}
	for _, bad := range []string{`once: {date: 2018-05-01}`, `once: {due: 'date("2018-05-01")'}`, `recurring: {every: six-monthly}`, `recurring: {every: monthly, first_due: 2018-05-01}`} {
		_, err := direction.Parse("a.yaml", []byte(mk(bad)), direction.Options{})
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), "ends on 2018-04-30", bad)
		}
	}
	for _, good := range []string{`once: {date: 2018-04-30}`, `recurring: {every: quarterly}`, `recurring: {every: monthly, first_due: 2018-04-30}`} {
		_, err := direction.Parse("a.yaml", []byte(mk(good)), direction.Options{})
		assert.NoError(t, err, good)
	}
}
