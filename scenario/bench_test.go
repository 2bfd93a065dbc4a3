package scenario_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/scenario"
)

func shippedFiles(tb testing.TB) []string {
	files, err := filepath.Glob("../examples/*/scenarios/*.yaml")
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	return files
}

// A loaded file's scenarios may run from many goroutines at once (package
// doc, # Concurrency); run under -race this checks it.
func TestScenariosRunConcurrently(t *testing.T) {
	var l scenario.Loader
	var all []*scenario.Scenario
	for _, f := range shippedFiles(t) {
		file, err := l.Load(f)
		require.NoError(t, err)
		all = append(all, file.Scenarios...)
	}
	var wg sync.WaitGroup
	passed := make([]bool, len(all))
	for i, s := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			passed[i] = s.Run().Passed()
		}()
	}
	wg.Wait()
	for i, ok := range passed {
		assert.True(t, ok, all[i].Name)
	}
}

// BenchmarkLoad reads every shipped scenario file with a fresh Loader each
// time: parsing, loading and compiling the directions, reading histories.
func BenchmarkLoad(b *testing.B) {
	files := shippedFiles(b)
	for b.Loop() {
		var l scenario.Loader
		for _, f := range files {
			if _, err := l.Load(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRun evaluates and compares every shipped scenario, loaded once.
func BenchmarkRun(b *testing.B) {
	var l scenario.Loader
	var all []*scenario.Scenario
	for _, f := range shippedFiles(b) {
		file, err := l.Load(f)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, file.Scenarios...)
	}
	b.ReportMetric(float64(len(all)), "scenarios")
	for b.Loop() {
		for _, s := range all {
			if !s.Run().Passed() {
				b.Fatal(s.Name)
			}
		}
	}
}
