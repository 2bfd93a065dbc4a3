package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/internal/workspace"
)

// runBoth runs a command streaming and then with streaming off (every
// council loaded), with standard input given by stdin each time, and
// returns both runs and how many councils the first streamed to the end.
func runBoth(t *testing.T, stdin []byte, args ...string) (streamedRun, loadedRun [3]string, nStreamed int64) {
	t.Helper()
	defer func(r io.Reader) { workspace.StdinReader = r }(workspace.StdinReader)
	once := func() [3]string {
		workspace.StdinReader = bytes.NewReader(stdin)
		out, errs, code := runCLI(args...)
		return [3]string{out, errs, string(rune('0' + code))}
	}
	before := streamed.Load()
	streamedRun = once()
	nStreamed = streamed.Load() - before
	loadOnly = true
	defer func() { loadOnly = false }()
	loadedRun = once()
	return streamedRun, loadedRun, nStreamed
}

// fixedNow pins the CLI's clock (the ics DTSTAMP, the default as-of).
func fixedNow(t *testing.T) {
	prev := now
	now = func() time.Time { return time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { now = prev })
}

// historyJSONL writes events as JSON Lines: dates as dates, times in RFC
// 3339, dates known only to a range as FIRST..LAST, attributes of every
// kind (lists and maps too).
func historyJSONL(t *testing.T, evs []event.Event) []byte {
	var b bytes.Buffer
	for _, ev := range evs {
		at := ev.At.Format(time.RFC3339)
		switch {
		case !ev.Through.IsZero():
			at = civil.In(ev.At, event.London()).String() + ".." + ev.Through.String()
		case ev.DateOnly:
			at = civil.In(ev.At, event.London()).String()
		}
		head, err := json.Marshal(map[string]string{"id": ev.ID, "type": ev.Type})
		require.NoError(t, err)
		b.Write(head[:len(head)-1])
		b.WriteString(`,"at":"` + at + `"`)
		if len(ev.Attrs) > 0 {
			rest, err := json.Marshal(ev.Attrs)
			require.NoError(t, err)
			b.WriteString("," + string(rest[1:]))
		} else {
			b.WriteString("}")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// examplesAsJSONL copies the shipped examples, each council's history
// written as JSON Lines in time order, and returns the council folders.
func examplesAsJSONL(t *testing.T) []string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "examples")
	var councils []string
	err := filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../../examples", path)
		if d.IsDir() {
			if d.Name() == "scenarios" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		if !strings.HasSuffix(path, ".yaml") {
			return nil
		}
		if d.Name() != "history.yaml" {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, rel), data, 0o644)
		}
		ws, err := workspace.Load([]string{filepath.Dir(path)}, direction.Options{})
		require.NoError(t, err, path)
		councils = append(councils, filepath.Join(root, filepath.Dir(rel)))
		// In time order, which a stream needs (Barnet's file lists some
		// reports before the meetings they are for).
		return os.WriteFile(filepath.Join(root, filepath.Dir(rel), "history.jsonl"), historyJSONL(t, event.Sort(ws.Events)), 0o644)
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(councils), 7)
	return councils
}

// obligationIDs lists the obligations of the directions under paths.
func obligationIDs(t *testing.T, paths ...string) []string {
	ws, err := workspace.Load(paths, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	return explain.ObligationIDs(set)
}

// agree runs schedule in its three formats and explain for every
// obligation in its two, streamed and loaded, and requires the same bytes
// and exit status. It returns how many runs streamed to the end.
func agree(t *testing.T, name string, stdin []byte, explainFormats []string, asOf, from, until string, paths ...string) int64 {
	t.Helper()
	var n int64
	for _, format := range []string{"text", "json", "ics"} {
		s, l, k := runBoth(t, stdin, append([]string{"schedule", "--as-of", asOf, "--from", from, "--until", until, "--format", format}, paths...)...)
		assert.Equal(t, l, s, "%s: schedule --format %s: streamed and loaded differ", name, format)
		assert.Equal(t, "0", s[2], "%s: schedule --format %s: %s", name, format, s[1])
		n += k
	}
	var dirs []string
	for _, p := range paths {
		if p != workspace.Stdin {
			dirs = append(dirs, p)
		}
	}
	for _, id := range obligationIDs(t, dirs...) {
		for _, format := range explainFormats {
			args := append([]string{"explain", "--obligation", id, "--as-of", asOf, "--format", format}, paths...)
			s, l, k := runBoth(t, stdin, args...)
			assert.Equal(t, l, s, "%s: explain %s --format %s: streamed and loaded differ", name, id, format)
			assert.Equal(t, "0", s[2], "%s: explain %s: %s", name, id, s[1])
			n += k
		}
	}
	return n
}

// The shipped examples, histories as JSON Lines: schedule and explain
// give the same bytes streamed and loaded, as of two dates (one in the
// middle of the directions' lives, one after they ended).
func TestScheduleAndExplainStreamAgreeOnExamples(t *testing.T) {
	fixedNow(t)
	for _, dir := range examplesAsJSONL(t) {
		name := filepath.Base(dir)
		// Explain's two formats write one Explanation: each is compared
		// as of one date, to keep the test short.
		for i, asOf := range []string{"2018-09-30", "2025-06-30"} {
			n := agree(t, name+"@"+asOf, nil, []string{"text", "json"}[i:i+1], asOf, "2017-01-01", "2026-12-31", dir)
			if name == "barnet" {
				// Its third direction is dated only to a month (June
				// 2018): every day of it is weighed, which needs loading.
				assert.Zero(t, n, "%s: streamed", name)
			} else {
				assert.Positive(t, n, "%s: nothing was streamed", name)
			}
		}
	}
}

// Generated histories with RFC 3339 times and with bare dates, in one
// JSON Lines file, split into JSON and JSON Lines, and on standard input:
// streamed and loaded agree, and each was streamed.
func TestScheduleAndExplainStreamAgreeOnGeneratedHistories(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	for i, times := range []bool{true, false} {
		evs, _ := synth.History(synth.Options{Seed: uint64(11 + i), Council: "town", Issued: issued, Years: 2, Noise: 0.6, RequestsPerMonth: 2, Times: times})
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
		whole := jsonl(evs)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), whole, 0o644))
		split := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(split, "direction.yaml"), synth.Direction("town", issued), 0o644))
		half := len(evs) / 2
		require.NoError(t, os.WriteFile(filepath.Join(split, "a.json"), jsonDoc(evs[:half]), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(split, "b.jsonl"), jsonl(evs[half:]), 0o644))
		for j, asOf := range []string{"2018-11-30", "2019-12-31"} {
			formats := []string{"text", "json"}[j : j+1]
			n := agree(t, "file", nil, formats, asOf, "2018-01-01", "2020-06-30", dir)
			n += agree(t, "split", nil, formats, asOf, "2018-01-01", "2020-06-30", split)
			n += agree(t, "stdin", whole, formats, asOf, "2018-01-01", "2020-06-30", filepath.Join(dir, "direction.yaml"), "-")
			assert.Equal(t, 3*(3+int64(len(obligationIDs(t, dir)))), n, "times %v: every run streamed", times)
		}
	}
}

// sha256Hex is the digest the outputs give for bytes.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Standard input is streamed by check, schedule and explain; events out
// of order are read again from the spool in time order; where the stream
// cannot go on (a repeated id) what was read is read again from the spool
// and loaded, with the same output as
// loading it at once, and the digest of "-" is the digest of the bytes
// read either way. The spool leaves nothing in the temporary folder.
func TestStdinStreamsAndFallsBack(t *testing.T) {
	fixedNow(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	issued := civil.New(2018, time.January, 25)
	dir := t.TempDir()
	dirFile := filepath.Join(dir, "direction.yaml")
	require.NoError(t, os.WriteFile(dirFile, synth.Direction("town", issued), 0o644))
	evs, _ := synth.History(synth.Options{Seed: 5, Council: "town", Issued: issued, Years: 2, Noise: 0.9, RequestsPerMonth: 2, Times: true})
	ordered := jsonl(evs)
	swapped := append([]event.Event(nil), evs...)
	swapped[10], swapped[len(swapped)-10] = swapped[len(swapped)-10], swapped[10]
	outOfOrder := jsonl(swapped)
	// The last event again: in time order, so only the id check finds it.
	repeated := append(append([]byte(nil), ordered...), synth.AppendJSONL(nil, &evs[len(evs)-1])...)
	oblID := obligationIDs(t, dirFile)[0]
	cmds := [][]string{
		{"check", "--as-of", "2019-06-30", "--format", "json", dirFile, "-"},
		{"schedule", "--as-of", "2019-06-30", "--from", "2018-01-01", "--until", "2019-12-31", "--format", "json", dirFile, "-"},
		{"explain", "--obligation", oblID, "--as-of", "2019-06-30", "--format", "json", dirFile, "-"},
		{"report", "--as-of", "2019-06-30", dirFile, "-"},
	}
	for _, tc := range []struct {
		name     string
		in       []byte
		streamed int64
		code     string
	}{
		{"in order", ordered, 1, ""},
		{"out of order", outOfOrder, 1, ""}, // read again in order (batch_order.go)
		{"repeated id", repeated, 0, "2"},
	} {
		for _, args := range cmds {
			s, l, n := runBoth(t, tc.in, args...)
			assert.Equal(t, l, s, "%s: %s: streamed and loaded differ", tc.name, args[0])
			assert.Equal(t, tc.streamed, n, "%s: %s", tc.name, args[0])
			if tc.code != "" {
				assert.Equal(t, tc.code, s[2], "%s: %s", tc.name, args[0])
				assert.Contains(t, s[1], "duplicate", "%s: %s", tc.name, args[0])
				continue
			}
			if args[0] != "check" && args[0] != "report" {
				assert.Equal(t, "0", s[2], "%s: %s: %s", tc.name, args[0], s[1])
			}
			assert.Contains(t, s[0], sha256Hex(tc.in), "%s: %s: the digest of standard input", tc.name, args[0])
		}
	}
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the spool is removed")
}

// The spool holds at most the history limit and one byte more, however
// much standard input there is, and reads again from the start when
// rewound.
func TestStdinSpoolBounded(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	in := bytes.Repeat([]byte("0123456789"), 1000)
	s := &stdinSpool{src: bytes.NewReader(in), max: 100}
	defer s.close()
	got, err := io.ReadAll(s)
	require.ErrorContains(t, err, "over the limit of 100 bytes")
	assert.Equal(t, in[:101], got)
	assert.Equal(t, int64(101), s.n)
	if runtime.GOOS != "windows" {
		assert.Empty(t, s.f.InFolder(), "removed from its folder once created")
		left, err := os.ReadDir(os.TempDir())
		require.NoError(t, err)
		assert.Empty(t, left)
	}
	info, err := s.f.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(101), info.Size())
	s.pos = 0
	again := make([]byte, 101)
	_, err = io.ReadFull(s, again)
	require.NoError(t, err)
	assert.Equal(t, in[:101], again, "rewound")
}

// Standard input over --max-history-bytes is refused with the message
// loading gives, streamed or not.
func TestStdinOverLimit(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	issued := civil.New(2018, time.January, 25)
	dirFile := filepath.Join(t.TempDir(), "direction.yaml")
	require.NoError(t, os.WriteFile(dirFile, synth.Direction("town", issued), 0o644))
	evs, _ := synth.History(synth.Options{Seed: 5, Council: "town", Issued: issued, Years: 1, Noise: 0.5})
	for _, cmd := range []string{"check", "schedule", "explain"} {
		args := []string{cmd, "--max-history-bytes", "1000", "--as-of", "2018-12-31", dirFile, "-"}
		if cmd == "explain" {
			args = append(args, "--obligation", obligationIDs(t, dirFile)[0])
		}
		s, l, n := runBoth(t, jsonl(evs), args...)
		assert.Equal(t, l, s, cmd)
		assert.Zero(t, n, cmd)
		assert.Equal(t, "2", s[2], cmd)
		assert.Contains(t, s[1], "over the limit of 1000 bytes", cmd)
	}
}
