package direction_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// withCalendar puts a calendar key before the obligations of a direction
// with one triggered obligation due 1 working day after the request.
func withCalendar(cal string) string {
	return strings.Replace(header, "obligations:\n", cal+"obligations:\n", 1) + `  - id: answer
    clause: 8(b)
    holder: c
    summary: s
    source: x
    triggered:
      when: event.type == "request"
      due: addWorkingDays(trigger.at, 1)
    satisfied_by: event.type == "response"
`
}

// dueAfter returns the due date of a request made on day.
func dueAfter(t *testing.T, d *direction.Direction, day string) string {
	t.Helper()
	at, _, err := event.ParseTime(day, d.Location)
	require.NoError(t, err)
	o := d.Obligations[0]
	ev := &event.Event{ID: "r", Type: "request", At: at}
	due, err := o.DueFor(d.Vars(), ev, d.Location)
	require.NoError(t, err)
	return due.String()
}

func TestCalendarKey(t *testing.T) {
	cases := []struct {
		name, key, name2 string
		// a request on Friday 2 Aug 2019 is due on the next working day:
		// Monday 5 Aug in England and Wales, Tuesday 6 Aug in Scotland
		// (first Monday of August is a bank holiday there).
		want string
	}{
		{"absent means England and Wales", "", "England and Wales", "2019-08-05"},
		{"short form", "calendar: scotland\n", "Scotland", "2019-08-06"},
		{"long form", "calendar: {region: northern-ireland}\n", "Northern Ireland", "2019-08-05"},
		{"closures only", "calendar: {closures: [2019-08-05]}\n", "England and Wales plus 1 local closure day", "2019-08-06"},
		{"region and closures", "calendar:\n  region: scotland\n  closures: [2019-08-06]\n", "Scotland plus 1 local closure day", "2019-08-07"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := direction.Parse("f.yaml", []byte(withCalendar(tc.key)), direction.Options{})
			require.NoError(t, err)
			require.NotNil(t, d.Calendar())
			assert.Equal(t, tc.name2, d.Calendar().Name())
			assert.Equal(t, tc.want, dueAfter(t, d, "2019-08-02"))
		})
	}
}

func TestCalendarKeyErrors(t *testing.T) {
	// header is 9 lines; the calendar key is line 9.
	cases := map[string][]string{
		"calendar: scotand\n": {`9:11: calendar: unknown calendar region "scotand" (did you mean "scotland"?); valid regions: england-and-wales, northern-ireland, scotland`},
		"calendar: wales\n":   {`9:11: calendar: unknown calendar region "wales"; expected one of: england-and-wales, northern-ireland, scotland`},
		"calendar: {region: england-and-wales, closures: [2018-02-30, x]}\n": {
			`9:50: calendar.closures[0]: "2018-02-30" is not a date of the form YYYY-MM-DD that exists in the calendar`,
			`9:62: calendar.closures[1]: "x" is not a date of the form YYYY-MM-DD that exists in the calendar`,
		},
		"calendar: {region: scotland, closed: [2018-12-27]}\n": {`9:30: calendar.closed: unknown key "closed"; expected one of: closures, region`},
		"calendar: [scotland]\n":                               {`9:11: calendar: expected a mapping (key: value lines), found a list`},
	}
	for key, want := range cases {
		got := problems(t, withCalendar(key))
		assert.Equal(t, want, got, "calendar key %q", key)
	}
}
