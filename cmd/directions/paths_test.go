package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/internal/workspace"
)

// councilReports runs check --format json over args and returns each
// council's report as JSON text, by council folder: one council's own
// report, or each council's part of a tree's report.
func councilReports(t *testing.T, args ...string) map[string]string {
	t.Helper()
	code, out, errs := cli(append([]string{"check", "--format", "json"}, args...)...)
	require.NotEqual(t, exitInvalid, code, errs)
	var probe struct {
		Councils []struct {
			Folder string          `json:"folder"`
			Report json.RawMessage `json:"report"`
		} `json:"councils"`
		Inputs []struct {
			Path string `json:"path"`
		} `json:"inputs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &probe))
	got := map[string]string{}
	if probe.Councils == nil {
		got[filepath.Dir(probe.Inputs[0].Path)] = compact(t, []byte(out))
		return got
	}
	for _, c := range probe.Councils {
		got[c.Folder] = compact(t, c.Report)
	}
	return got
}

func compact(t *testing.T, b []byte) string {
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	out, err := json.MarshalIndent(v, "", " ")
	require.NoError(t, err)
	return string(out)
}

// check gives one council's findings byte for byte the same however it is
// pointed at them: the council's folder, its files named one by one, or a
// tree of councils holding it; and whether its history is JSON Lines or
// JSON (streamed) or YAML (loaded). Histories are generated with RFC 3339
// times and offsets, as exports write them, and with bare dates.
func TestCheckPathsAgree(t *testing.T) {
	root := t.TempDir()
	issued := civil.New(2018, time.January, 25)
	for i, times := range []bool{true, false} {
		evs, _ := synth.History(synth.Options{Seed: uint64(7 + i), Council: "town", Issued: issued, Years: 2, Noise: 0.6, RequestsPerMonth: 2, Times: times})
		if times {
			require.Contains(t, string(jsonl(evs[:1])), "T09:00:00", "RFC 3339 times")
		}
		tree := filepath.Join(root, map[bool]string{true: "times", false: "dates"}[times])
		dirs := map[string]string{}
		for _, form := range []string{"jsonl", "json", "split"} {
			dir := filepath.Join(tree, form)
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
			switch form {
			case "jsonl":
				require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), jsonl(evs), 0o644))
			case "json":
				require.NoError(t, os.WriteFile(filepath.Join(dir, "history.json"), jsonDoc(evs), 0o644))
			case "split":
				half := len(evs) / 2
				require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), jsonDoc(evs[:half]), 0o644))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "b.jsonl"), jsonl(evs[half:]), 0o644))
			}
			dirs[form] = dir
		}
		whole := councilReports(t, "--as-of", "2019-08-31", tree)
		require.Len(t, whole, 3)
		var first string
		for form, dir := range dirs {
			folder := councilReports(t, "--as-of", "2019-08-31", dir)
			files, err := filepath.Glob(filepath.Join(dir, "*"))
			require.NoError(t, err)
			named := councilReports(t, append([]string{"--as-of", "2019-08-31"}, files...)...)
			assert.True(t, whole[dir] == folder[dir], "%s: tree and folder", form)
			assert.True(t, folder[dir] == named[dir], "%s: folder and files named", form)
			// The findings are the same whatever the format; the inputs
			// (names and digests) differ.
			findings := strings.ReplaceAll(folder[dir][:strings.Index(folder[dir], `"inputs"`)], dir, "DIR")
			if first == "" {
				first = findings
			}
			assert.True(t, first == findings, "%s: findings differ from another format's", form)
		}
		// Streamed and loaded agree on each folder.
		for form, dir := range dirs {
			paths, err := filepath.Glob(filepath.Join(dir, "*"))
			require.NoError(t, err)
			c := streamedCouncilAt(dir, paths)
			got, ok := streamCouncil(context.Background(), c, "2019-08-31", direction.Options{}, nil)
			require.True(t, ok, form)
			assert.Equal(t, reportJSON(t, loadCouncil(context.Background(), c, "2019-08-31", direction.Options{})), reportJSON(t, got), form)
		}
	}
}

// The shipped examples: each council of examples/national checked alone
// gives its part of the tree's report.
func TestCheckExamplesPathsAgree(t *testing.T) {
	whole := councilReports(t, "--as-of", "2018-09-30", "../../examples/national")
	require.Len(t, whole, 3)
	for folder, report := range whole {
		alone := councilReports(t, "--as-of", "2018-09-30", folder)
		assert.Equal(t, report, alone[folder], folder)
	}
	for _, c := range []string{"barnet", "buckinghamshire"} {
		dir := "../../examples/" + c
		a := councilReports(t, "--as-of", "2018-09-30", dir)
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		require.NoError(t, err)
		b := councilReports(t, append([]string{"--as-of", "2018-09-30"}, files...)...)
		assert.Equal(t, a[dir], b[dir], c)
	}
}

func streamedCouncilAt(dir string, paths []string) workspace.Council {
	return workspace.Council{Name: filepath.Base(dir), Dir: dir, Paths: paths}
}
