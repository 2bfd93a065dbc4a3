package obligation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dfe-tools/directions/civil"
)

// InstanceDueOn finds every due date of every shape, and no other day.
func TestInstanceDueOnFindsEachDueDateAndNoOther(t *testing.T) {
	anchor := civil.New(2020, 1, 31)
	for name, s := range map[string]Schedule{
		"cadence":            {Anchor: anchor, First: Period{1, Months}, Every: Period{1, Months}},
		"days then months":   {Anchor: anchor, First: Period{10, Days}, Every: Period{1, Months}},
		"weeks":              {Anchor: anchor, First: Period{2, Weeks}, Every: Period{2, Weeks}, Count: 30},
		"after then cadence": {Anchor: anchor, After: []Period{{3, Months}, {6, Months}}, Every: Period{6, Months}},
		"after, finite":      {Anchor: anchor, After: []Period{{1, Weeks}, {1, Months}}},
		"dates":              {Anchor: anchor, Dates: []civil.Date{civil.New(2020, 2, 29), civil.New(2020, 5, 31)}},
		"dates then cadence": {Anchor: anchor, Dates: []civil.Date{civil.New(2020, 2, 29)}, Every: Period{3, Months}},
	} {
		o := &Obligation{Schedule: s}
		due := map[civil.Date]int{}
		for k := 1; k <= 40; k++ {
			if lim := s.Limit(); lim > 0 && k > lim {
				break
			}
			d, basis := o.DueDate(k)
			assert.NotEmpty(t, basis, name)
			due[d] = k
		}
		for d := anchor; d.Before(civil.New(2024, 1, 1)); d = d.AddDays(1) {
			k, ok := o.InstanceDueOn(d)
			want, isDue := due[d]
			if !isDue && s.Limit() == 0 && d.After(civil.New(2023, 1, 1)) {
				continue // beyond the 40 computed above
			}
			assert.Equal(t, isDue, ok, "%s: %s", name, d)
			if isDue {
				assert.Equal(t, want, k, "%s: %s", name, d)
			}
		}
	}
}

func TestFiniteListsHaveNoDateBeyondThem(t *testing.T) {
	o := &Obligation{Schedule: Schedule{Dates: []civil.Date{civil.New(2019, 5, 31), civil.New(2019, 11, 30)}}}
	assert.Equal(t, 2, o.Schedule.Limit())
	d, basis := o.DueDate(3)
	assert.True(t, d.IsZero())
	assert.Empty(t, basis)
	o.Schedule.Count = 1
	assert.Equal(t, 1, o.Schedule.Limit())
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		assert.Equal(t, want, Ordinal(n))
	}
}
