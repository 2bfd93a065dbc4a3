package yamlx

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Float reads a decimal number written with a fraction or an exponent
// (-12.5, 1e2, .5, +1.5E-3) as a float64, by the rule every history
// format follows: a fraction that float64 cannot hold exactly is rounded
// to the nearest (0.1), as every reader of JSON does, but a number is
// refused when it is too large for a float64, when it is not zero but
// would become zero, and when it is a whole number (3.0, 1e2) that a
// float64 cannot hold exactly (12345678901234567890e-1 would be read as
// 1234567890123456768, and a condition would compare the wrong number).
// A number written without a fraction or exponent is an integer, which
// the readers hold to 64 bits instead. The error says what is wrong;
// the caller adds how to keep the text.
func Float(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && (!errors.Is(err, strconv.ErrRange) || !math.IsInf(f, 0) && f != 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("the number %s is too large for a 64-bit float", s)
	}
	if f != 0 && math.Abs(f) < 1<<53 {
		return f, nil // a whole number below 2^53 is exact; anything else here is a rounded fraction
	}
	digits, exp := decimalParts(s)
	switch {
	case digits == "":
		return f, nil // zero
	case f == 0:
		return 0, fmt.Errorf("the number %s is too small for a 64-bit float: it would become 0", s)
	case exp < 0:
		return f, nil // not whole: rounded to the nearest
	}
	// Whole and at least 2^53: f holds digits×10^exp (at most 309 digits,
	// as f is finite) only if it is exact.
	x, _ := new(big.Int).SetString(digits, 10)
	x.Mul(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
	if strings.HasPrefix(s, "-") {
		x.Neg(x)
	}
	if _, acc := new(big.Float).SetInt(x).Float64(); acc != big.Exact {
		hint := ""
		if x.IsInt64() {
			hint = fmt.Sprintf(" (write %s to read it as a 64-bit integer)", x)
		}
		whole := x.String()
		if len(whole) > 40 {
			whole = fmt.Sprintf("of %d digits", len(strings.TrimPrefix(whole, "-")))
		}
		return 0, fmt.Errorf("the number %s is the whole number %s, which a 64-bit float cannot hold exactly%s", s, whole, hint)
	}
	return f, nil
}

// decimalParts returns the significant digits of a decimal number, with
// no leading or trailing zeros ("" for zero), and the power of ten they
// are multiplied by. It is called only for a number ParseFloat read as
// finite, whose exponent therefore fits an int.
func decimalParts(s string) (digits string, exp int) {
	s = strings.TrimLeft(s, "+-")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, _ = strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		exp -= len(s) - i - 1
		s = s[:i] + s[i+1:]
	}
	s = strings.TrimLeft(s, "0")
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
		exp++
	}
	return s, exp
}
