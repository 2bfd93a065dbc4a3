package evaluator_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// A loaded Set is documented as safe to evaluate from many goroutines; run
// under -race this test backs that claim.
func TestConcurrentEvaluationsAgree(t *testing.T) {
	var dirs []*direction.Direction
	for _, f := range []string{"direction-2017-09.yaml", "direction-2018-01.yaml"} {
		d, err := direction.Load("../examples/barnet/"+f, direction.Options{})
		require.NoError(t, err)
		dirs = append(dirs, d)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	history, err := event.Load("../examples/barnet/history.yaml", event.Options{})
	require.NoError(t, err)

	asOf := func(i int) time.Time { return evaluator.EndOfDay(2018, time.Month(1+i%12), 15, event.London()) }
	want := make([]string, 12)
	for i := range want {
		res, err := evaluator.Evaluate(set, history, evaluator.Options{AsOf: asOf(i)})
		require.NoError(t, err)
		b, _ := json.Marshal(res)
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	got := make([]string, 48)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := evaluator.Evaluate(set, history, evaluator.Options{AsOf: asOf(g)})
			if err != nil {
				got[g] = err.Error()
				return
			}
			b, _ := json.Marshal(res)
			got[g] = string(b)
		}()
	}
	wg.Wait()
	for g := range got {
		assert.Equal(t, want[g%12], got[g], "goroutine %d", g)
	}
}
