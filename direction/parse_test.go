package direction_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/obligation"
)

// problems parses src and returns its problems as "line:col: message".
func problems(t *testing.T, src string) []string {
	t.Helper()
	_, err := direction.Parse("f.yaml", []byte(src), direction.Options{})
	require.Error(t, err, "Parse should fail")
	var list diag.List
	require.True(t, errors.As(err, &list), "Parse returns a diag.List, got %T", err)
	var out []string
	for _, e := range list {
		assert.Equal(t, "f.yaml", e.Pos.File)
		out = append(out, strings.TrimPrefix(e.Error(), "f.yaml:"))
	}
	return out
}

const header = `id: d
title: t
council: c
issued_by: sos
issued: 2018-01-25
parties:
  c: {name: Council}
  sos: {name: SoS}
obligations:
`

func TestEveryProblemReportedAtItsPlace(t *testing.T) {
	src := header + `  - id: a
    clause: 8(f)
    holder: c
    summary: s
    source: x
    recurring: {every: 3 months, frist: 3 months}
    satisfied_by: event.type == "report"
  - id: a
    clause: 8(g)
    holder: sos
    summary: s
    sourse: x
    once: {date: 2018-05-31}
    satisfied_by: event.type == "report"
`
	got := problems(t, src)
	assert.Equal(t, []string{
		`15:34: obligations[0].recurring.frist: unknown key "frist" (did you mean "first"?)`,
		`21:5: obligations[1].sourse: unknown key "sourse" (did you mean "source"?)`,
	}, got)
}

func TestDuplicateObligationID(t *testing.T) {
	ob := `  - id: a
    clause: 8(f)
    holder: c
    summary: s
    source: x
    once: {date: 2018-05-31}
    satisfied_by: event.type == "report"
`
	got := problems(t, header+ob+ob)
	assert.Equal(t, []string{`17:5: obligations[1].id: duplicate obligation id "a" (first at line 10)`}, got)
}

func TestCELErrorsPointInsideTheExpression(t *testing.T) {
	src := header + `  - id: a
    clause: 8(d)
    holder: c
    summary: s
    source: x
    triggered:
      when: event.type == "board-meeting"
      due: trigger.at
    satisfied_by: >-
      event.type == "report"
      && event.meeting == trigger.idd.x
      && evnt.kind == "progress"
`
	got := problems(t, src)
	// Line 21 is "      && evnt.kind ..."; evnt starts at column 10.
	require.Len(t, got, 1)
	assert.True(t, strings.HasPrefix(got[0], `21:10: obligations[0].satisfied_by: undeclared reference to 'evnt'`), got[0])
	assert.Contains(t, got[0], `did you mean 'event'?`)
}

func TestExpressionTypesAreChecked(t *testing.T) {
	src := header + `  - id: a
    clause: 8(d)
    holder: c
    summary: s
    source: x
    triggered:
      when: '"yes"'
      due: '"tomorrow"'
    satisfied_by: event.type == "report" && trigger.id == event.meeting
`
	got := problems(t, src)
	assert.Equal(t, []string{
		`16:13: obligations[0].triggered.when: expression has type string but must be bool (a condition that is true or false)`,
		`17:12: obligations[0].triggered.due: expression has type string but must be timestamp (a point in time, such as date("2018-05-31") or trigger.at)`,
	}, got)
}

func TestVariablesOnlyWhereTheyMeanSomething(t *testing.T) {
	src := header + `  - id: a
    clause: 8(f)
    holder: c
    summary: s
    source: x
    recurring: {every: quarterly}
    satisfied_by: event.type == "report" && event.meeting == trigger.id
`
	got := problems(t, src)
	require.Len(t, got, 1)
	assert.Equal(t, "16:19: obligations[0].satisfied_by: trigger cannot be used here: a recurring obligation has no triggering event; available: event, instance, direction, params", got[0])
}

func TestShapeErrors(t *testing.T) {
	cases := map[string]struct{ ob, want string }{
		"no kind": {`    satisfied_by: event.type == "report"`,
			`10:5: obligations[0]: obligation "a" says not how it falls due: add exactly one of recurring, once, triggered or prohibition`},
		"two kinds": {"    once: {date: 2018-05-31}\n    recurring: {every: 3 months}\n    satisfied_by: event.type == \"report\"",
			`15:5: obligations[0].once: an obligation falls due in exactly one way, but this one has recurring and once`},
		"zero period": {"    recurring: {every: 0 months}\n    satisfied_by: event.type == \"report\"",
			`15:24: obligations[0].recurring.every: a period must be at least 1 month, not 0`},
		"bad period": {"    recurring: {every: fortnightly}\n    satisfied_by: event.type == \"report\"",
			`15:24: obligations[0].recurring.every: "fortnightly" is not a period: write a whole number and a unit, such as "3 months", "2 weeks" or "10 days", or one of quarterly, monthly, six-monthly, annually, weekly`},
		"prohibition with satisfied_by": {"    prohibition: {when: event.type == \"refusal\"}\n    satisfied_by: event.type == \"report\"",
			`16:5: obligations[0].satisfied_by: a prohibition is breached by events, not discharged: remove satisfied_by`},
		"missing satisfied_by": {"    once: {date: 2018-05-31}",
			`10:5: obligations[0].satisfied_by: missing required key "satisfied_by": a CEL condition saying which events discharge the obligation, such as event.type == "report"`},
		"impossible date": {"    once: {date: 2019-02-29}\n    satisfied_by: event.type == \"report\"",
			`15:18: obligations[0].once.date: "2019-02-29" is not a date of the form YYYY-MM-DD that exists in the calendar`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			src := header + "  - id: a\n    clause: 8(f)\n    holder: c\n    summary: s\n    source: x\n" + c.ob + "\n"
			assert.Equal(t, []string{c.want}, problems(t, src))
		})
	}
}

func TestTopLevelProblems(t *testing.T) {
	src := `id: d
title: t
council: barnet
issued_by: sos
issued: 25/01/2018
time_zone: Europe/Londn
parties:
  sos: {name: SoS}
obligations: []
`
	assert.Equal(t, []string{
		`3:10: council: unknown party "barnet": declare it under parties; expected one of: sos`,
		`5:9: issued: "25/01/2018" is not a date of the form YYYY-MM-DD that exists in the calendar`,
		`6:12: time_zone: unknown time zone "Europe/Londn": use an IANA name such as Europe/London`,
		`9:14: obligations: a direction needs at least one obligation, unless it only revokes: then give revokes`,
	}, problems(t, src))
}

func TestWindowsLineEndingsAndBOM(t *testing.T) {
	src := "\xef\xbb\xbf" + strings.ReplaceAll(header+`  - id: a
    clause: 8(f)
    holder: c
    summary: s
    source: x
    recurring: {every: 3 months}
    satisfied_by: event.type == "report"
`, "\n", "\r\n")
	d, err := direction.Parse("crlf.yaml", []byte(src), direction.Options{})
	require.NoError(t, err)
	require.Len(t, d.Obligations, 1)
	assert.Equal(t, obligation.Recurring, d.Obligations[0].Kind)
	due, _ := d.Obligations[0].DueDate(1)
	assert.Equal(t, "2018-04-25", due.String())
}

func TestOnceDueExpressionComputedAtLoad(t *testing.T) {
	src := header + `  - id: a
    clause: Annex B 3
    holder: c
    summary: s
    source: x
    once: {due: 'endOfMonth(date("2018-05-01"))'}
    satisfied_by: event.type == "report"
`
	d, err := direction.Parse("f.yaml", []byte(src), direction.Options{})
	require.NoError(t, err)
	assert.Equal(t, "2018-05-31", d.Obligations[0].Schedule.On.String())
}

func TestSetRejectsCyclesAndLaterRevocations(t *testing.T) {
	mk := func(id, issued, revokes string) *direction.Direction {
		src := strings.Replace(strings.Replace(header, "id: d", "id: "+id, 1), "issued: 2018-01-25", "issued: "+issued+"\nrevokes: ["+revokes+"]", 1) + `  - id: a
    clause: x
    holder: c
    summary: s
    source: x
    once: {date: 2019-05-31}
    satisfied_by: event.type == "report"
`
		d, err := direction.Parse(id+".yaml", []byte(src), direction.Options{})
		require.NoError(t, err)
		return d
	}
	_, err := direction.NewSet(mk("a", "2018-01-01", "b"), mk("b", "2018-01-01", "a"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "revocations form a cycle: a revokes b revokes a")

	_, err = direction.NewSet(mk("a", "2018-01-01", "b"), mk("b", "2018-02-01", ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `direction "a" (issued 2018-01-01) cannot revoke "b", which was issued later, on 2018-02-01`)

	set, err := direction.NewSet(mk("a", "2018-01-01", "gone"), mk("b", "2018-02-01", "a"))
	require.NoError(t, err, "revoking a direction that is not loaded is allowed")
	f := set.Force(set.Get("a"))
	assert.Equal(t, "b", f.RevokedBy)
}
