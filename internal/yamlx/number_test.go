package yamlx

import (
	"math"
	"strings"
	"testing"
)

// The number rule, case by case; each value worked out by hand.
func TestFloat(t *testing.T) {
	good := map[string]float64{
		"0.1": 0.1, "3.0": 3, "-3.0": -3, "1e2": 100, "1E+2": 100, "0.0": 0, "-0.0": math.Copysign(0, -1), "0e400": 0,
		"1e19":               1e19,                                            // 10^19 = 2^19 × 5^19, and 5^19 < 2^53: exact
		"9007199254740992.0": 1 << 53, "9007199254740993.5": 9007199254740994, // a fraction, rounded
		"5e-324": 5e-324, "1.0000000000000000001": 1,
		".5": 0.5, "1.": 1, "+1.5": 1.5, "123456789012345678.9": 123456789012345678.9,
		"4611686018427387904.0": 1 << 62, "0.00000000000000000000000000000000000001e38": 1,
	}
	for s, want := range good {
		got, err := Float(s)
		if err != nil || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("%s: got %v %v, want %v", s, got, err, want)
		}
	}
	bad := map[string]string{
		"12345678901234567890e-1": "the whole number 1234567890123456789, which a 64-bit float cannot hold exactly (write 1234567890123456789",
		"9007199254740993.0":      "the whole number 9007199254740993, which", // 2^53 + 1
		"-9007199254740993e0":     "the whole number -9007199254740993, which",
		"1e23":                    "the whole number 100000000000000000000000, which a 64-bit float cannot hold exactly",
		"1.7976931348623157e308":  "the whole number of 309 digits, which", // the shortest form of MaxFloat64, not its value
		"1e400":                   "too large for a 64-bit float",
		"-1e400":                  "too large for a 64-bit float",
		"1e-400":                  "too small for a 64-bit float: it would become 0",
		"2e-324":                  "too small",
		"1e99999999999999999999":  "too large",
		"1e-99999999999999999999": "too small",
	}
	for s, want := range bad {
		_, err := Float(s)
		if err == nil || !contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", s, err, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
