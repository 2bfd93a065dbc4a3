package direction_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// Variations: instants are worked out by hand in UTC. London is on BST
// (UTC+1) from 25 Mar to 28 Oct 2018, on GMT otherwise.

func barnet2018(t *testing.T) *direction.Direction {
	t.Helper()
	d, err := direction.Load(filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"), direction.Options{})
	require.NoError(t, err)
	return d
}

func parseDir(t *testing.T, src string) *direction.Direction {
	t.Helper()
	d, err := direction.Parse("v.yaml", []byte(src), direction.Options{})
	require.NoError(t, err)
	return d
}

const revokeOnly = `
id: v
title: a direction that only revokes clause 8(f)
council: barnet
issued_by: sos
issued: 2018-06-01
revokes: [{direction: barnet-2018-01, clauses: [8(f)]}]
parties:
  barnet: {name: London Borough of Barnet}
  sos: {name: Secretary of State}
`

func TestClauseRevocationEndsOnlyThatObligation(t *testing.T) {
	b := barnet2018(t)
	v := parseDir(t, revokeOnly)
	assert.True(t, v.RevokesOnly(), "no obligations key and a revokes list: a revoking instrument")
	s := advSet(t, b, v)
	chair := s.ObligationForce(b, b.Obligation("chair-quarterly-report"))
	// Issued 1 Jun 2018: the clause stops at 1 Jun 00:00 BST = 31 May 23:00Z.
	assert.Equal(t, time.Date(2018, 5, 31, 23, 0, 0, 0, time.UTC), chair.Until.UTC())
	assert.True(t, chair.Varied)
	assert.Equal(t, "v", chair.RevokedBy)
	assert.Contains(t, chair.Reason, "clause 8(f) (chair-quarterly-report) revoked by v, issued 1 Jun 2018")
	assert.Equal(t, "barnet-2018-01", s.Version(b, b.Obligation("chair-quarterly-report")))

	other := s.ObligationForce(b, b.Obligation("essex-six-monthly-review"))
	assert.True(t, other.Until.IsZero(), "8(e) is not varied: in force until revoked")
	assert.False(t, other.Varied)
	assert.Empty(t, s.Version(b, b.Obligation("essex-six-monthly-review")))
	assert.True(t, s.Force(b).Until.IsZero(), "the direction itself stays in force")
	assert.Equal(t, []string{"clause 8(f) of barnet-2018-01 (chair-quarterly-report)"}, s.RevokesWords(v))
}

func TestReplacementAndEarliestVariation(t *testing.T) {
	b := barnet2018(t)
	later := parseDir(t, `
id: w
title: replaces 8(f) from 1 Sep 2018
council: barnet
issued_by: sos
issued: 2018-09-01
parties:
  barnet: {name: London Borough of Barnet}
  sos: {name: Secretary of State}
obligations:
  - id: monthly-report
    clause: "2"
    holder: barnet
    summary: a monthly report instead of 8(f)'s quarterly one
    source: test
    replaces: {direction: barnet-2018-01, obligations: [chair-quarterly-report]}
    recurring: {every: 1 month}
    satisfied_by: event.type == "report"
`)
	v := parseDir(t, revokeOnly)
	// Both vary 8(f); the revocation of 1 Jun comes before the replacement
	// of 1 Sep, so it counts, whatever the order the files come in.
	for _, s := range []*direction.Set{advSet(t, b, later, v), advSet(t, v, later, b)} {
		f := s.ObligationForce(b, b.Obligation("chair-quarterly-report"))
		assert.Equal(t, "v", f.RevokedBy)
		assert.Equal(t, time.Date(2018, 5, 31, 23, 0, 0, 0, time.UTC), f.Until.UTC())
		assert.Equal(t, "w", s.Version(later, later.Obligation("monthly-report")), "the replacement falls due under w's text")
	}
	s := advSet(t, b, later)
	f := s.ObligationForce(b, b.Obligation("chair-quarterly-report"))
	assert.Equal(t, "w", f.RevokedBy)
	// 1 Sep 00:00 BST = 31 Aug 23:00Z.
	assert.Equal(t, time.Date(2018, 8, 31, 23, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Contains(t, f.Reason, "replaced by w's obligation monthly-report, issued 1 Sep 2018")
	assert.Equal(t, []string{"obligation chair-quarterly-report of barnet-2018-01, replaced by its obligation monthly-report"}, s.RevokesWords(later))
	assert.False(t, later.RevokesOnly())
}

func TestVariationAfterTheDirectionEndedChangesNothing(t *testing.T) {
	a := advDir(t, "a", "2018-01-25", "ends: 2018-03-31")
	b := advDir(t, "b", "2018-05-01", `revokes: [{direction: a, clauses: ["1"]}]`)
	s := advSet(t, a, b)
	f := s.ObligationForce(a, a.Obligation("once"))
	assert.False(t, f.Varied, "a ended on 31 Mar, before b's variation of 1 May")
	assert.Equal(t, s.Force(a), f)
}

func TestStatedRevocation(t *testing.T) {
	const stated = `revoked: {on: 2022-01-13, by: "Direction of 13 January 2022 (not modelled)"}`
	a := advDir(t, "a", "2018-01-25", stated)
	f := advSet(t, a).Force(a)
	// 13 Jan 2022 00:00 GMT = 00:00Z.
	assert.Equal(t, time.Date(2022, 1, 13, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Empty(t, f.RevokedBy)
	assert.Equal(t, "Direction of 13 January 2022 (not modelled)", f.RevokedByInstrument)
	assert.Equal(t, "revoked by Direction of 13 January 2022 (not modelled) on 13 Jan 2022, as the direction file records: in force until the end of 12 Jan 2022", f.Reason)

	// A loaded revoking direction issued earlier wins, and the reason says
	// what the file records.
	early := advDir(t, "early", "2021-12-01", "revokes: [a]")
	f = advSet(t, a, early).Force(a)
	assert.Equal(t, "early", f.RevokedBy)
	assert.Empty(t, f.RevokedByInstrument)
	assert.Equal(t, time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Contains(t, f.Reason, "the file also records a revocation by Direction of 13 January 2022 (not modelled) on 13 Jan 2022, which is not earlier")

	// One issued later loses, and the reason says so.
	late := advDir(t, "late", "2022-02-01", "revokes: [a]")
	f = advSet(t, a, late).Force(a)
	assert.Equal(t, "Direction of 13 January 2022 (not modelled)", f.RevokedByInstrument)
	assert.Empty(t, f.RevokedBy)
	assert.Contains(t, f.Reason, "late, loaded, revokes it too, but only from 1 Feb 2022")

	// The same day: the loaded direction, whose text is modelled.
	same := advDir(t, "same", "2022-01-13", "revokes: [a]")
	f = advSet(t, a, same).Force(a)
	assert.Equal(t, "same", f.RevokedBy)
	assert.Equal(t, time.Date(2022, 1, 13, 0, 0, 0, 0, time.UTC), f.Until.UTC())

	// An end date before the stated revocation still ends it first.
	e := advDir(t, "e", "2018-01-25", stated+"\nends: 2019-12-31")
	f = advSet(t, e).Force(e)
	assert.Equal(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), f.Until.UTC())
	assert.Empty(t, f.RevokedByInstrument)
}

func TestRevokeOnlyForms(t *testing.T) {
	for name, src := range map[string]string{
		"empty list":         revokeOnly + "obligations: []\n",
		"whole, in a map":    "id: v\ntitle: t\ncouncil: c\nissued_by: s\nissued: 2018-06-01\nrevokes: [{direction: x}]\nparties: {c: {name: C}, s: {name: S}}\n",
		"whole, as a scalar": "id: v\ntitle: t\ncouncil: c\nissued_by: s\nissued: 2018-06-01\nrevokes: x\nparties: {c: {name: C}, s: {name: S}}\n",
	} {
		d := parseDir(t, src)
		assert.True(t, d.RevokesOnly(), name)
	}
	d := parseDir(t, "id: v\ntitle: t\ncouncil: c\nissued_by: s\nissued: 2018-06-01\nrevokes: [{direction: x}]\nparties: {c: {name: C}, s: {name: S}}\n")
	assert.Equal(t, []string{"x"}, d.Revokes, "a mapping with no obligations or clauses revokes the whole direction")
	assert.Empty(t, d.Varies)
}
