package civil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		in, first, last, long string
	}{
		{"2018-04-25", "2018-04-25", "2018-04-25", "25 Apr 2018"},
		{"2018-06", "2018-06-01", "2018-06-30", "June 2018"},
		{"2016-02", "2016-02-01", "2016-02-29", "February 2016"}, // leap year
		{"2018-02", "2018-02-01", "2018-02-28", "February 2018"},
		{"2018-04-01..2018-04-25", "2018-04-01", "2018-04-25", "1–25 Apr 2018"},
		{"2018-04-28..2018-05-03", "2018-04-28", "2018-05-03", "28 Apr–3 May 2018"},
		{"2018-12-28..2019-01-03", "2018-12-28", "2019-01-03", "28 Dec 2018–3 Jan 2019"},
		{"2018-06-01..2018-06-30", "2018-06-01", "2018-06-30", "June 2018"},
	} {
		r, err := ParseRange(c.in)
		if assert.NoError(t, err, c.in) {
			assert.Equal(t, c.first, r.First.String(), c.in)
			assert.Equal(t, c.last, r.Last.String(), c.in)
			assert.Equal(t, c.long, r.Long(), c.in)
		}
	}
	r, _ := ParseRange("2018-06")
	assert.Equal(t, 30, r.Days())
	assert.Equal(t, "2018-06", r.String())
	assert.False(t, r.Exact())
	assert.True(t, Range{New(2018, time.April, 1), New(2018, time.April, 1)}.Exact())
	for _, bad := range []string{"2018-13", "2018-6", "2018-04-30..2018-04-01", "2018-02-30..2018-03-01", "June 2018", "2018-04-01..", ""} {
		_, err := ParseRange(bad)
		assert.Error(t, err, bad)
	}
}
