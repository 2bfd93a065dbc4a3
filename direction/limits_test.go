package direction_test

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
)

// allocated returns the bytes f allocates. Limits are checked by memory,
// not time: a loader that expanded an alias bomb would allocate gigabytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func parseProblems(t *testing.T, src string, opts direction.Options) diag.List {
	t.Helper()
	_, err := direction.Parse("f.yaml", []byte(src), opts)
	var list diag.List
	require.True(t, errors.As(err, &list), "a diag.List, got %T: %v", err, err)
	return list
}

// billionLaughs nests levels of ten aliases each: 10^levels nodes once
// expanded, from a file of a few hundred bytes.
func billionLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("id: d\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

func TestAliasBombIsRefusedCheaply(t *testing.T) {
	src := billionLaughs(12) // 10^12 nodes expanded
	var list diag.List
	mem := allocated(func() { list = parseProblems(t, src, direction.Options{}) })
	require.Len(t, list, 1)
	assert.Equal(t, "f.yaml:1:1", list[0].Pos.String())
	assert.Contains(t, list[0].Msg, "more than 1000000 nodes")
	assert.Less(t, mem, uint64(8<<20), "refusing a %d-byte alias bomb allocated %d bytes", len(src), mem)
	t.Logf("refusing a %d-byte alias bomb allocated %d bytes", len(src), mem)
}

func TestNodeLimitIsConfigurable(t *testing.T) {
	src := billionLaughs(3) // about 1,100 nodes expanded
	small := parseProblems(t, src, direction.Options{Limits: direction.Limits{MaxNodes: 500}})
	assert.Contains(t, small.Error(), "more than 500 nodes")
	// Within the limit, the file is read and the other problems reported.
	normal := parseProblems(t, src, direction.Options{})
	assert.NotContains(t, normal.Error(), "nodes")
	assert.Contains(t, normal.Error(), `unknown key "l0"`)
}

func TestDeepNestingIsRefused(t *testing.T) {
	for _, n := range []int{65, 1000, 9000} {
		src := "id: d\nparams: {a: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "}\n"
		var list diag.List
		mem := allocated(func() { list = parseProblems(t, src, direction.Options{}) })
		assert.Contains(t, list.Error(), "deeper than the limit of 64 levels", "depth %d", n)
		assert.Less(t, mem, uint64(64<<20), "depth %d allocated %d bytes", n, mem)
	}
	// A higher limit admits the same document.
	src := header + "  - {id: a, clause: x, holder: c, summary: s, source: s, once: {date: 2018-05-31}, satisfied_by: 'true'}\n" +
		"params: {a: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}\n"
	_, err := direction.Parse("f.yaml", []byte(src), direction.Options{Limits: direction.Limits{MaxDepth: 200}})
	assert.NoError(t, err)
}

func TestOversizedFileIsRefusedBeforeParsing(t *testing.T) {
	src := []byte("id: d\n# " + strings.Repeat("x", 16<<20) + "\n")
	var err error
	mem := allocated(func() { _, err = direction.Parse("big.yaml", src, direction.Options{}) })
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("big.yaml:1:1: file is %d bytes, over the limit of %d bytes: split it into smaller files, or raise Limits.MaxBytes", len(src), 16<<20), err.Error())
	assert.Less(t, mem, uint64(1<<20), "the file was refused without being parsed")

	small := parseProblems(t, header, direction.Options{Limits: direction.Limits{MaxBytes: 100}})
	assert.Contains(t, small.Error(), "over the limit of 100 bytes")
}

// A direction saved by a Windows editor, with a BOM and CRLF line endings,
// loads, and positions are where an editor shows them.
func TestBOMAndCRLFDirectionLoads(t *testing.T) {
	src := "\ufeff" + strings.ReplaceAll(header+"  - id: a\n    clause: x\n    holder: c\n    summary: s\n    source: s\n    once: {date: 2018-05-31}\n    satisfied_by: >-\n      event.type == \"report\"\n      && event.to == \"sos\"\n", "\n", "\r\n")
	d, err := direction.Parse("win.yaml", []byte(src), direction.Options{})
	require.NoError(t, err)
	require.Len(t, d.Obligations, 1)
	assert.Equal(t, "win.yaml:10:5", d.Obligations[0].Pos.String())
	assert.Equal(t, "event.type == \"report\" && event.to == \"sos\"", d.Obligations[0].SatisfiedBy())

	// An error inside the folded expression is placed on its own line.
	bad := strings.Replace(src, `event.to == "sos"`, `event.to == sos`, 1)
	list := parseProblems(t, bad, direction.Options{})
	require.Len(t, list, 1)
	assert.Equal(t, "f.yaml:18:22", list[0].Pos.String(), list.Error())
}

// Load reads only regular files: a path to a device (which a scenario file
// could name) is refused instead of read for ever.
func TestLoadRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := direction.Load("/dev/zero", direction.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file")
}
