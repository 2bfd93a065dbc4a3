package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

// shuffleLines puts the lines of a JSON Lines history in a random order
// (seeded), and returns them split at random into parts.
func shuffleLines(b []byte, seed uint64, parts int) [][]byte {
	lines := bytes.SplitAfter(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	for i := range lines {
		if !bytes.HasSuffix(lines[i], []byte("\n")) {
			lines[i] = append(lines[i], '\n')
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	out := make([][]byte, parts)
	for _, l := range lines {
		k := r.IntN(parts)
		out[k] = append(out[k], l...)
	}
	return out
}

// orderAgree runs check (text and JSON), schedule (JSON) and explain
// (JSON, the first obligation) streamed and loaded, requiring the same
// bytes, and returns how many runs were read in loading's order.
func orderAgree(t *testing.T, name string, stdin []byte, asOf string, paths ...string) int64 {
	t.Helper()
	var dirs []string
	for _, p := range paths {
		if p != "-" {
			dirs = append(dirs, p)
		}
	}
	obl := obligationIDs(t, dirs...)[0]
	before := reordered.Load()
	for _, args := range [][]string{
		{"check", "--as-of", asOf},
		{"check", "--as-of", asOf, "--format", "json"},
		{"schedule", "--as-of", asOf, "--from", "2017-01-01", "--until", "2026-12-31", "--format", "json"},
		{"explain", "--obligation", obl, "--as-of", asOf, "--format", "json"},
	} {
		s, l, _ := runBoth(t, stdin, append(args, paths...)...)
		assert.Equal(t, l, s, "%s: %s: in order by the index and loaded differ", name, args[0])
		if args[0] != "check" {
			assert.Equal(t, "0", s[2], "%s: %s: %s", name, args[0], s[1])
		}
	}
	return reordered.Load() - before
}

// The shipped examples, their histories as JSON Lines with the lines
// shuffled: check, schedule and explain read through the order index
// give what loading gives, byte for byte.
func TestOutOfOrderExamplesAgreeWithLoading(t *testing.T) {
	fixedNow(t)
	for i, dir := range examplesAsJSONL(t) {
		file := filepath.Join(dir, "history.jsonl")
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, shuffleLines(data, uint64(i), 1)[0], 0o644))
		name := filepath.Base(dir)
		assertIndexedUnlessLoaded(t, name, dir, data, orderAgree(t, name, nil, "2025-06-30", dir))
	}
}

// assertIndexedUnlessLoaded checks that the four commands orderAgree runs
// read the shuffled example in dir (its history was data) through the
// index (n of them did), unless it must load: Barnet's direction is dated
// only to a month (every day weighed), and one event is in order.
func assertIndexedUnlessLoaded(t *testing.T, name, dir string, data []byte, n int64) {
	t.Helper()
	switch {
	case filepath.Base(dir) == "barnet":
		assert.Zero(t, n, "%s: a direction dated only to a month: loaded", name)
	case bytes.Count(data, []byte("\n")) < 2:
		assert.Zero(t, n, "%s: one event is in order", name)
	default:
		assert.Equal(t, int64(4), n, "%s: every command read the history in order by the index", name)
	}
}

// historyWithTies is a generated history of two years as JSON Lines in
// time order, with RFC 3339 times or bare dates, and ties: every fifth
// event at the same instant as the one before, and with times every
// seventh a bare date among the timed events of its day.
func historyWithTies(seed uint64, issued civil.Date, times bool) []byte {
	evs, _ := synth.History(synth.Options{Seed: seed, Council: "town", Issued: issued, Years: 2, Noise: 0.6, RequestsPerMonth: 2, Times: times})
	for k := 1; k < len(evs); k++ {
		switch {
		case k%5 == 0:
			evs[k].At, evs[k].DateOnly = evs[k-1].At, evs[k-1].DateOnly // the same instant
		case times && k%7 == 0:
			evs[k].DateOnly = true // a bare date among timed events of its day
		}
	}
	return jsonl(evs)
}

// Generated histories with RFC 3339 times and with bare dates, with ties
// (events at the same instant, and a bare date on the same day as timed
// events), shuffled, in one file, split into three and on standard input:
// the order index gives what loading gives.
func TestOutOfOrderGeneratedAgreeWithLoading(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	for i, times := range []bool{true, false} {
		whole := historyWithTies(uint64(21+i), issued, times)
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), shuffleLines(whole, 7, 1)[0], 0o644))
		split := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(split, "direction.yaml"), synth.Direction("town", issued), 0o644))
		for j, part := range shuffleLines(whole, 8, 3) {
			require.NoError(t, os.WriteFile(filepath.Join(split, string(rune('a'+j))+".jsonl"), part, 0o644))
		}
		stdin := shuffleLines(whole, 9, 1)[0]
		for _, asOf := range []string{"2018-11-30", "2019-12-31"} {
			assert.Equal(t, int64(4), orderAgree(t, "file", nil, asOf, dir), "times %v", times)
			assert.Equal(t, int64(4), orderAgree(t, "split", nil, asOf, split), "times %v", times)
			assert.Equal(t, int64(4), orderAgree(t, "stdin", stdin, asOf, filepath.Join(dir, "direction.yaml"), "-"), "times %v", times)
		}
	}
}

// A history that changes between the pass that indexes it and the pass
// that reads it in order is refused, whether its size changed or only
// its bytes.
func TestOutOfOrderFileChangedIsRefused(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	evs, _ := synth.History(synth.Options{Seed: 3, Council: "town", Issued: issued, Years: 1, Noise: 0.5, RequestsPerMonth: 1, Times: true})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
	file := filepath.Join(dir, "history.jsonl")
	data := shuffleLines(jsonl(evs), 4, 1)[0]
	for _, tc := range []struct {
		name   string
		change func([]byte) []byte
	}{
		{"same size", func(b []byte) []byte {
			b = bytes.Clone(b)
			i := bytes.Index(b, []byte(`"at":"20`))
			b[i+7] = '1' // 2018 -> 1018: the same length
			return b
		}},
	} {
		require.NoError(t, os.WriteFile(file, data, 0o644))
		afterIndex = func() { require.NoError(t, os.WriteFile(file, tc.change(data), 0o644)) }
		for _, args := range [][]string{
			{"check", "--as-of", "2018-12-31", dir},
			{"schedule", "--as-of", "2018-12-31", dir},
			{"explain", "--obligation", obligationIDs(t, dir)[0], "--as-of", "2018-12-31", dir},
		} {
			out, errs, code := runCLI(args...)
			assert.Equal(t, exitInvalid, code, "%s: %s: %s", tc.name, args[0], out)
			assert.Contains(t, errs, file+": the file changed while it was being read", "%s: %s", tc.name, args[0])
		}
		afterIndex = nil
	}
	// Unchanged, it is read in order.
	require.NoError(t, os.WriteFile(file, data, 0o644))
	_, errs, _ := runCLI("check", "--as-of", "2018-12-31", dir)
	assert.NotContains(t, errs, "changed")
	// Appended to between the passes, it is read as it stood when
	// opened (event.File): the bytes read did not change.
	want, _, _ := runCLI("check", "--as-of", "2018-12-31", "--format", "json", dir)
	afterIndex = func() {
		require.NoError(t, os.WriteFile(file, append(bytes.Clone(data), synth.AppendJSONL(nil, &event.Event{ID: "new", Type: "report", At: evs[0].At})...), 0o644))
	}
	got, errs, _ := runCLI("check", "--as-of", "2018-12-31", "--format", "json", dir)
	afterIndex = nil
	assert.NotContains(t, errs, "changed")
	assert.Equal(t, want, got)
}
