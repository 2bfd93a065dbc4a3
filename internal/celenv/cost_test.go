package celenv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetered(t *testing.T) {
	env, err := New(nil, nil)
	require.NoError(t, err)
	for expr, want := range map[string]bool{
		`event.type == "report" && event.to == "sos"`:                   false,
		`event.kind.startsWith("prog") && size(event.from) > 2`:         false,
		`event.at <= addDays(trigger.at, params.days)`:                  false,
		`event.at <= trigger.at + duration("24h")`:                      true, // dyn + duration: not known to be numeric
		`instance.number + 1 > 2`:                                       false,
		`event.outcome in ["granted", "complied"]`:                      false,
		`event.items.exists(i, i == 1)`:                                 true,
		`[1, 2].all(i, i > 0)`:                                          true,
		`event.a + event.b == "x"`:                                      true,
		`"x" + event.b == "xy"`:                                         true,
		`event.tags + ["x"] == []`:                                      true,
		`event.text.replace("a", "bb") == ""`:                           true,
		`"%s".format([event.text]) == ""`:                               true,
		`event.text.split(",").size() > 1`:                              true,
		`strings.quote(event.text) == ""`:                               true,
		`has(event.meeting) && event.meeting == trigger.id`:             false,
		`event.type == "report" && event.kind.matches("^prog.*$")`:      false,
		`event.type == "report" && event.kind.lowerAscii() == "review"`: false,
	} {
		checked, iss := env.env.Compile(expr)
		require.NoError(t, iss.Err(), expr)
		assert.Equal(t, want, metered(checked), expr)
	}
}
