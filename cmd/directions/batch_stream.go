package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"hash/maphash"
	"io"
	"os"
	"slices"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// streamCouncil evaluates a council whose histories are all JSON Lines by
// streaming them through evaluator.Stream, one line at a time, instead of
// loading them: a national check then holds one council's findings and
// open instances, not its ten years of events. It gives exactly what
// workspace.Load and evaluator.Evaluate give, or reports ok false, and the
// caller takes that path, for anything that path would treat differently
// or word as an error: other history formats, a file too large or not a
// regular file, a bad line, events out of time order (Evaluate sorts
// them), a repeated id (Evaluate refuses it), an expression failing on an
// event, a file without events. Findings are put in Evaluate's order (direction, obligation,
// instance); each file's SHA-256 is computed as it is read.
func streamCouncil(c workspace.Council, asOf string) (r councilResult, ok bool) {
	ws, histories, err := workspace.LoadDeferred(c.Paths, direction.Options{})
	if err != nil || len(histories) == 0 || len(ws.Events) > 0 {
		return r, false
	}
	limit := yamlx.DefaultLimits.ForHistory().MaxBytes
	for _, h := range histories {
		if info, err := os.Stat(h); err != nil || !info.Mode().IsRegular() || info.Size() > int64(limit) {
			return r, false
		}
	}
	set, err := ws.Set()
	if err != nil {
		return r, false
	}
	at, err := parseAsOf(asOf, ws.Location)
	if err != nil {
		return r, false
	}
	src := &councilSource{files: histories, opts: event.Options{Location: ws.Location, Vocabulary: direction.VocabularyOf(ws.Directions...)},
		ids: newHashSet(), seed: maphash.MakeSeed(), digests: map[string]string{}}
	defer src.close()
	var findings []evaluator.Finding
	res, err := evaluator.Stream(set, src.next, evaluator.Options{AsOf: at}, func(f evaluator.Finding) { findings = append(findings, f) })
	if err != nil {
		return r, false
	}
	for i := range ws.Files {
		if d, read := src.digests[ws.Files[i].Path]; read {
			ws.Files[i].SHA256 = d
		}
	}
	// Evaluate's order: by direction, then obligation, then instance.
	type pos struct{ dir, obl int }
	order := map[[2]string]pos{}
	for i, d := range set.Directions {
		for j, o := range d.Obligations {
			order[[2]string{d.ID, o.ID}] = pos{i, j}
		}
	}
	slices.SortStableFunc(findings, func(a, b evaluator.Finding) int {
		pa, pb := order[[2]string{a.Direction, a.Obligation}], order[[2]string{b.Direction, b.Obligation}]
		return cmp.Or(cmp.Compare(pa.dir, pb.dir), cmp.Compare(pa.obl, pb.obl), cmp.Compare(a.Instance, b.Instance))
	})
	res.Findings = append(make([]evaluator.Finding, 0, len(findings)), findings...)
	r = councilResult{Council: c, WS: ws, Res: res}
	r.Row = councilRow(c, ws, res)
	return r, true
}

// errNotStreamable stops a stream that the loading path must handle.
var errNotStreamable = errors.New("not streamable")

// councilSource reads a council's JSON Lines files one after another,
// hashing each as it goes and refusing a repeated id.
type councilSource struct {
	files   []string
	opts    event.Options
	f       *os.File
	h       hash.Hash
	r       *event.Reader
	ids     *hashSet
	seed    maphash.Seed
	digests map[string]string
	read    int // events read from the current file
}

func (s *councilSource) next() (*event.Event, error) {
	for {
		if s.r == nil {
			if len(s.files) == 0 {
				return nil, io.EOF
			}
			f, err := os.Open(s.files[0])
			if err != nil {
				return nil, errNotStreamable
			}
			s.f, s.h = f, sha256.New()
			s.r = event.NewReader(s.files[0], io.TeeReader(f, s.h), s.opts)
		}
		ev, err := s.r.Next()
		if errors.Is(err, io.EOF) {
			if s.read == 0 {
				return nil, errNotStreamable // loading calls a file without events empty
			}
			s.digests[s.files[0]] = hex.EncodeToString(s.h.Sum(nil))
			s.read = 0
			s.close()
			s.files = s.files[1:]
			continue
		}
		if err != nil {
			return nil, errNotStreamable
		}
		s.read++
		if !s.ids.add(maphash.String(s.seed, ev.ID)) {
			return nil, errNotStreamable // a duplicate, or two ids sharing a hash: Load settles it
		}
		return ev, nil
	}
}

func (s *councilSource) close() {
	if s.f != nil {
		s.f.Close()
		s.f, s.r = nil, nil
	}
}

// hashSet is a set of 64-bit hashes in a flat open-addressing table: 8 to
// 16 bytes an event, where loading a history costs hundreds.
type hashSet struct {
	slots []uint64
	n     int
}

func newHashSet() *hashSet { return &hashSet{slots: make([]uint64, 1024)} }

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1 // 0 marks an empty slot
	}
	if 2*(s.n+1) > len(s.slots) {
		old := s.slots
		s.slots, s.n = make([]uint64, 2*len(old)), 0
		for _, x := range old {
			if x != 0 {
				s.add(x)
			}
		}
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}
