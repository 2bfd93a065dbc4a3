package evaluator

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
)

// The quick formatting gives what civil.Date's methods give, for every day
// of several years, leap days included.
func TestQuickDateFormatting(t *testing.T) {
	for d := civil.New(1999, time.December, 25); d.Before(civil.New(2031, time.January, 2)); d = d.AddDays(1) {
		require.Equal(t, d.Long(), longDate(d))
		require.Equal(t, d.String(), isoDate(d))
	}
	require.Equal(t, "1 day", days(1))
	require.Equal(t, "0 days", days(0))
	require.Equal(t, "12 days", days(12))
}
