package event_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dfe-tools/directions/event"
)

// One number rule in every format: a number written without a fraction or
// exponent is an int64 (refused beyond 64 bits); with one, a float64,
// rounded if it is a fraction, refused if it is too large, would become 0,
// or is a whole number a float64 cannot hold exactly. CSV reads as numbers
// only the plain forms (-12, 12.5); other cells stay text.
func TestNumbersAgreeAcrossFormats(t *testing.T) {
	cases := []struct {
		text string
		want any // nil: refused
		csv  any // CSV's reading when it differs ("text": kept as text)
	}{
		{"12", int64(12), nil},
		{"-9223372036854775808", int64(math.MinInt64), nil},
		{"9223372036854775808", nil, nil},
		{"10000000000000000000", nil, nil},
		{"3.0", 3.0, nil}, // still the whole number 3 for event.WholeNumber
		{"0.1", 0.1, nil},
		{"1e2", 100.0, "text"},
		{"1e19", 1e19, "text"},
		{"12345678901234567890e-1", nil, "text"}, // was read as 1234567890123456768
		{"1e-400", nil, "text"},
		{"1e400", nil, "text"},
		{"9007199254740993.0", nil, nil},
		{"9007199254740993.5", 9007199254740994.0, nil},
	}
	for _, c := range cases {
		reads := map[string]string{
			"h.jsonl": fmt.Sprintf(`{"id":"a","type":"visit","at":"2018-01-01","v":%s}`+"\n", c.text),
			"h.json":  fmt.Sprintf(`[{"id":"a","type":"visit","at":"2018-01-01","v":%s}]`, c.text),
			"h.yaml":  fmt.Sprintf("- {id: a, type: visit, at: 2018-01-01, v: %s}\n", c.text),
			"h.csv":   fmt.Sprintf("id,type,at,v\na,visit,2018-01-01,%s\n", c.text),
		}
		for name, src := range reads {
			want := c.want
			if name == "h.csv" && c.csv != nil {
				want = c.csv
				if want == "text" {
					want = c.text
				}
			}
			evs, err := event.Parse(name, []byte(src), event.Options{})
			if want == nil {
				assert.Error(t, err, "%s in %s", c.text, name)
				continue
			}
			if assert.NoError(t, err, "%s in %s", c.text, name) {
				assert.Equal(t, want, evs[0].Attrs["v"], "%s in %s", c.text, name)
			}
		}
	}
	n, ok := event.WholeNumber(3.0)
	assert.True(t, ok)
	assert.Equal(t, int64(3), n)
}
