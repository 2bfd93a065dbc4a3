package whatif_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/whatif"
)

const (
	barnet2017 = "../examples/barnet/direction-2017-09.yaml"
	barnet2018 = "../examples/barnet/direction-2018-01.yaml"
	history    = "../examples/barnet/history.yaml"
)

// recorder stands in for *testing.T so that the tests can check what a
// failing assertion says.
type recorder struct {
	msgs   []string
	failed bool
	fatal  bool
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) FailNow() { r.fatal = true; runtime.Goexit() }
func (r *recorder) Helper()  {}
func (r *recorder) String() string {
	return strings.Join(r.msgs, "\n")
}

// record runs fn against a recorder, in its own goroutine so that FailNow
// can stop it as it stops a test.
func record(fn func(t whatif.TestingT)) *recorder {
	r := &recorder{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fn(r)
	}()
	wg.Wait()
	return r
}

func TestRelativeDates(t *testing.T) {
	c := whatif.Load(t, barnet2017, barnet2018)
	// By hand: 8(f)'s first report is due 25 Jan 2018 + 3 months.
	for _, tc := range []struct {
		when whatif.When
		want string
	}{
		{whatif.FirstDue("8(f)"), "2018-04-25T00:00:00+01:00"},
		{whatif.Days(14).After(whatif.FirstDue("8(f)")), "2018-05-09T00:00:00+01:00"},
		{whatif.Days(1).Before(whatif.FirstDue("chair-quarterly-report")), "2018-04-24T00:00:00+01:00"},
		{whatif.Due("8(f)", 3), "2018-10-25T00:00:00+01:00"},
		{whatif.Due("Annex B 3", 1), "2018-05-31T00:00:00+01:00"},
		{whatif.FirstDue("8(f)").At("23:30"), "2018-04-25T23:30:00+01:00"},
		{whatif.Months(1).After(whatif.On("2018-01-31")), "2018-02-28T00:00:00Z"},
		{whatif.Days(3).After(whatif.On("2018-03-24")), "2018-03-27T00:00:00+01:00"}, // across the start of BST
		{whatif.At("2018-04-25T23:30:00Z"), "2018-04-25T23:30:00Z"},
	} {
		ev := c.Event("x-"+tc.when.String(), "note", tc.when)
		_ = ev
		evs := c.Events()
		got := evs[len(evs)-1].At
		assert.Equal(t, tc.want, got.Format("2006-01-02T15:04:05Z07:00"), tc.when.String())
	}
	assert.Equal(t, "14 days after the 1st due date of 8(f)", whatif.Days(14).After(whatif.FirstDue("8(f)")).String())
}

func TestMistakesInTheTestStopIt(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(c *whatif.Case)
		want string
	}{
		{"triggered has no schedule", func(c *whatif.Case) { c.Event("x", "note", whatif.FirstDue("8(d)")) },
			"dcs-progress-report is a triggered obligation: its due dates depend on events"},
		{"ambiguous clause", func(c *whatif.Case) { c.AsOf(whatif.On("2018-09-30")).Instance("8(b)", 1) },
			`"8(b)" names 2 obligations (barnet-2018-01 essex-access, barnet-2018-01 essex-refusal)`},
		{"unknown clause", func(c *whatif.Case) { c.AsOf(whatif.On("2018-09-30")).Instance("8(z)", 1) },
			`no obligation or clause "8(z)"`},
		{"unknown event", func(c *whatif.Case) { c.History(history).Without("chair-q9") },
			`Without("chair-q9"): no such event`},
		{"bad date", func(c *whatif.Case) { c.BoardMeeting("bm", whatif.On("2018-02-30")) },
			`event bm at 2018-02-30`},
		{"revoked before issue", func(c *whatif.Case) { c.RevokedFrom("barnet-2018-01", "2018-01-25") },
			`it was issued on 2018-01-25; a revocation must come after that`},
		{"misspelt event type", func(c *whatif.Case) { c.Event("r", "reprot", whatif.On("2018-04-20")); c.AsOf(whatif.On("2018-09-30")) },
			`event "r": unknown event type "reprot" (did you mean "report"?)`},
		{"revoked unknown", func(c *whatif.Case) { c.RevokedFrom("barnet-2019", "2019-01-25") },
			`RevokedFrom("barnet-2019"): no such direction; there are barnet-2017-09, barnet-2018-01`},
	} {
		r := record(func(tt whatif.TestingT) {
			tc.fn(whatif.Load(tt, barnet2017, barnet2018))
		})
		assert.True(t, r.fatal, "%s: the test must stop", tc.name)
		assert.Contains(t, r.String(), tc.want, tc.name)
	}
}

// The failure messages name the clause, obligation and instance, and give
// the engine's reason.
func TestFailureMessagesNameClauseAndInstance(t *testing.T) {
	r := record(func(tt whatif.TestingT) {
		c := whatif.Load(tt, barnet2017, barnet2018).History(history)
		res := c.AsOf(whatif.On("2018-09-30"))
		res.Instance("8(f)", 1).Late(14)                  // it was met
		res.Instance("8(f)", 2).Met().Due("2018-07-26")   // due 25 Jul
		res.Instance("8(f)", 4).Open()                    // not opened yet
		res.Triggered("8(d)", "bm-2018-06").Missed()      // met
		res.Instance("8(f)", 3).Absent()                  // it is open
		res.Instance("Annex B 3", 1).DischargedBy("nope") // commissioner-2018-05
		res.Breaches(2)                                   // none
		res.InForce("barnet-2017-09", true)               // revoked
	})
	assert.False(t, r.fatal, "a wrong expectation fails the test but lets it go on")
	require.Len(t, r.msgs, 8, r.String())
	assert.Contains(t, r.msgs[0], "clause 8(f) (chair-quarterly-report, barnet-2018-01) instance 1: status")
	assert.Contains(t, r.msgs[0], "expected: \"late\"")
	assert.Contains(t, r.msgs[0], "actual  : \"met\"")
	assert.Contains(t, r.msgs[0], "engine's reason: due 25 Apr 2018; met by chair-q1 on 20 Apr 2018, 5 days early")
	assert.Contains(t, r.msgs[1], "clause 8(f) (chair-quarterly-report, barnet-2018-01) instance 2: due")
	assert.Contains(t, r.msgs[1], "actual  : \"2018-07-25\"")
	assert.Contains(t, r.msgs[2], "instance 4: status")
	assert.Contains(t, r.msgs[2], "no such instance (instances: #1 met, #2 met, #3 open)")
	assert.Contains(t, r.msgs[3], "clause 8(d) (dcs-progress-report, barnet-2018-01) instance for bm-2018-06: status")
	assert.Contains(t, r.msgs[4], "instance 3: status")
	assert.Contains(t, r.msgs[4], "actual  : \"open\"")
	assert.Contains(t, r.msgs[5], "discharged by")
	assert.Contains(t, r.msgs[5], "actual  : \"commissioner-2018-05\"")
	assert.Contains(t, r.msgs[6], "breaches (late, missed and breached findings of the council's duties)")
	assert.Contains(t, r.msgs[7], "direction barnet-2017-09 in force at the as-of time (revoked by barnet-2018-01")
}

func TestPassingChecksReportNothing(t *testing.T) {
	r := record(func(tt whatif.TestingT) {
		c := whatif.Load(tt, barnet2017, barnet2018).History(history).Without("chair-q1")
		c.Report("chair-q1-late", whatif.Days(14).After(whatif.FirstDue("8(f)")), "board-chair", "secretary-of-state", "progress")
		res := c.AsOf(whatif.On("2018-09-30"))
		res.Instance("8(f)", 1).Late(14).Due("2018-04-25").DischargedBy("chair-q1-late")
		res.Breaches(1)
	})
	assert.False(t, r.failed, r.String())
}

// Events returns a copy: changing it does not change the case.
func TestEventsIsACopy(t *testing.T) {
	c := whatif.Load(t, barnet2018)
	c.Report("r", whatif.On("2018-04-20"), "board-chair", "secretary-of-state", "progress")
	evs := c.Events()
	evs[0].Attrs["from"] = "someone-else"
	assert.Equal(t, "board-chair", c.Events()[0].Attrs["from"])
}

// Extensions and waivers are events like any other. By hand: 8(f) #1 is
// due 25 Apr 2018; extended on 2 May (after that) by 3 weeks to 16 May and
// sent on 14 May: met, 19 days after the original (5 + 14). #2, due
// 25 Jul, is waived on 10 Jul.
func TestExtensionsAndWaivers(t *testing.T) {
	c := whatif.Load(t, barnet2017, barnet2018).History(history).Without("chair-q1", "chair-q2")
	c.Extension("ext-q1", whatif.On("2018-05-02"), "secretary-of-state", "chair-quarterly-report", 1).ByPeriod("3 weeks")
	c.Report("chair-q1-late", whatif.On("2018-05-14"), "board-chair", "secretary-of-state", "progress")
	c.Waiver("waive-q2", whatif.On("2018-07-10"), "dfe", "chair-quarterly-report", 2)
	res := c.AsOf(whatif.On("2018-09-30"))
	res.Instance("8(f)", 1).Met().Due("2018-05-16").ExtendedTo("2018-04-25", "2018-05-16").DaysLateOriginal(19)
	res.Instance("8(f)", 2).Waived().Due("2018-07-25")
	res.Breaches(0)

	r := record(func(t whatif.TestingT) {
		c := whatif.Load(t, barnet2017, barnet2018).History(history)
		c.AsOf(whatif.On("2018-09-30")).Instance("8(f)", 1).Waived().ExtendedTo("2018-04-25", "2018-05-09")
	})
	assert.True(t, r.failed)
	assert.Contains(t, r.String(), "2018-04-25 -> 2018-05-09")
}

// An assertion about an instance that does not exist fails, whatever it
// asserts, once per instance. As of 30 Sep 2018, 8(f) has instances 1-3
// (due 25 Apr, 25 Jul, 25 Oct 2018); instance 4 (due 25 Jan 2019) opens
// only after 25 Oct, and Annex A 3 has three instances too.
func TestAssertionsOnAMissingInstanceFail(t *testing.T) {
	r := record(func(tt whatif.TestingT) {
		res := whatif.Load(tt, barnet2017, barnet2018).History(history).AsOf(whatif.On("2018-09-30"))
		res.Instance("8(f)", 4).Duty()
		res.Instance("Annex A 3", 9).Expectation().Assumed(true)
		res.Instance("8(f)", 5).Due("2019-04-25").DischargedBy("chair-q1")
		res.Instance("8(f)", 6).Open().Duty()           // reported by Open alone
		res.Instance("8(f)", 7).Absent().Assumed(false) // absent, yet asserts about it
		res.Instance("8(f)", 8).ExtendedTo("2019-10-25", "2019-11-25").DaysLateOriginal(0)
	})
	require.Len(t, r.msgs, 6, r.String())
	assert.Contains(t, r.msgs[0], "instance 4: role")
	assert.Contains(t, r.msgs[0], "no such instance")
	assert.Contains(t, r.msgs[1], "clause Annex A 3 (essex-reports-to-dfe, barnet-2018-01) instance 9: role")
	assert.Contains(t, r.msgs[2], "instance 5: due")
	assert.Contains(t, r.msgs[3], "instance 6: status")
	assert.Contains(t, r.msgs[4], "instance 7: assumed")
	assert.Contains(t, r.msgs[5], "instance 8: extension")
}

// Version asserts under which direction's text an instance fell due. With
// the supposed direction of 14 May 2018 revoking 8(f), the instance due
// 25 Apr 2018 (25 Jan + 3 months, before 14 May) fell due under
// barnet-2018-01's text; as of 30 Apr the revocation is not yet issued,
// so the instance is not (yet) of a varied obligation: no version.
func TestVersionAssertion(t *testing.T) {
	const revokes8f = "../examples/barnet/scenarios/supposed/revokes-8f-2018-05.yaml"
	c := whatif.Load(t, barnet2018, revokes8f).History(history)
	c.AsOf(whatif.On("2018-09-30")).Instance("8(f)", 1).Met().Version("barnet-2018-01")
	c.AsOf(whatif.On("2018-04-30")).Instance("8(f)", 1).Met().Version("")

	r := record(func(tt whatif.TestingT) {
		c := whatif.Load(tt, barnet2018, revokes8f).History(history)
		c.AsOf(whatif.On("2018-09-30")).Instance("8(f)", 1).Version("barnet-supposed-2018-05")
		c.AsOf(whatif.On("2018-09-30")).Instance("8(f)", 9).Version("barnet-2018-01")
	})
	require.Len(t, r.msgs, 2, r.String())
	assert.Contains(t, r.msgs[0], "instance 1: version")
	assert.Contains(t, r.msgs[0], "barnet-2018-01")
	assert.Contains(t, r.msgs[1], "no such instance")
}
