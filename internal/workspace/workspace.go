package workspace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/dfe-tools/directions/internal/yamlx"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/report"
)

// Kind is what a file holds.
type Kind string

// File kinds.
const (
	Direction Kind = "direction"
	History   Kind = "history"
	Scenario  Kind = "scenario"
	// Vocabulary files (a mapping with event_types) are read by the
	// directions that name them, not on their own.
	Vocabulary Kind = "vocabulary"
	// WhatIf is a direction file inside a folder named scenarios: a
	// supposed direction that scenarios name (a later direction revoking
	// a clause, say). A folder walked for a council's files skips it, so
	// that it never joins the council's real directions; named as a file
	// it loads as a direction.
	WhatIf Kind = "what-if direction"
)

// File is one input file.
type File struct {
	Path   string `json:"path"`
	Kind   Kind   `json:"kind"`
	SHA256 string `json:"sha256"`
	data   []byte
}

// Workspace is everything loaded from the given paths.
type Workspace struct {
	Files      []File
	Directions []*direction.Direction
	Events     []event.Event
	Location   *time.Location
	// Streamed counts the events of the histories Validate streamed
	// instead of holding them in Events.
	Streamed int
	// histories are the history files in the order their events are
	// read (Events' order), deferred ones included.
	histories []history
}

// history is a history file in load order: how many events it added to
// Events, or that it was deferred.
type history struct {
	path     string
	events   int
	deferred bool
}

// Extensions are the file extensions read from directories.
var Extensions = []string{".yaml", ".yml", ".json", ".jsonl", ".ndjson", ".csv"}

// Stdin is the name of standard input among paths: a JSON Lines history.
const Stdin = "-"

// StdinReader is what Stdin reads; tests replace it.
var StdinReader io.Reader = os.Stdin

// WatchRead, when set, wraps the reader of each history a Load or
// Validate reads whole (name, and its size at open, 0 for standard input),
// so that a command can show how far the read has got. The command sets
// it, once, before it loads.
var WatchRead func(name string, size int64, r io.Reader) io.Reader

// watch is r through WatchRead, if set.
func watch(name string, size int64, r io.Reader) io.Reader {
	if WatchRead == nil {
		return r
	}
	return WatchRead(name, size, r)
}

// Expand turns paths into the list of files they name: files as given,
// directories walked recursively for files with a known extension, in
// lexical order. Hidden files and directories are skipped. Anything that
// is not a regular file or a directory (a named pipe, a device, a socket,
// or a link to one) is refused at once, before it is opened: opening a
// pipe waits for a writer and a device may never end. Stdin ("-") is kept
// as it is.
//
// A directory named in paths may be a symbolic link to one: it is walked
// as the directory ("lnk" reads as "lnk/" does). A symbolic link found
// inside a walked directory is followed only to a file; a link to a
// directory there, or one that leads nowhere, is refused rather than
// skipped, since a council whose events folder is such a link would
// otherwise be evaluated with no events. A named directory that holds no
// file with a known extension is refused too: its history would count as
// empty and every duty as missed.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == Stdin {
			out = append(out, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if err := yamlx.CheckRegular(p, info); err != nil {
				return nil, err
			}
			out = append(out, p)
			continue
		}
		walk := p
		if l, err := os.Lstat(p); err == nil && l.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a link at its root; with a trailing
			// separator the root's Lstat is the directory's.
			walk = p + string(filepath.Separator)
		}
		before := len(out)
		err = filepath.WalkDir(walk, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != walk && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				info, err := os.Stat(path) // follows the link
				if err != nil {
					return fmt.Errorf("%s is a symbolic link that leads nowhere (%v); remove it or point it at a file", path, err)
				}
				if info.IsDir() {
					return fmt.Errorf("%s is a directory reached by a symbolic link, which is not followed inside a folder; name the directory itself", path)
				}
			}
			if !d.IsDir() && hasExt(path) {
				if !d.Type().IsRegular() {
					info, err := os.Stat(path) // follows a link
					if err != nil {
						return err
					}
					if err := yamlx.CheckRegular(path, info); err != nil {
						return err
					}
				}
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == before {
			return nil, fmt.Errorf("no direction, history or scenario files (%s) found in %s", strings.Join(Extensions, ", "), p)
		}
	}
	return out, nil
}

func hasExt(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Classify tells what a file holds: YAML mappings with an obligations or
// a revokes key are directions (WhatIf below a folder named scenarios),
// with a scenarios key scenarios, and everything else is a history. Only a YAML file's data is looked at: any other file is a
// history by its extension, so callers need not read it (data may be nil).
func Classify(path string, data []byte) Kind {
	if !isYAML(path) {
		return History
	}
	var probe yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).Decode(&probe); err != nil {
		return History // the history loader reports the syntax error
	}
	if len(probe.Content) == 1 && probe.Content[0].Kind == yaml.MappingNode {
		for i := 0; i < len(probe.Content[0].Content); i += 2 {
			switch probe.Content[0].Content[i].Value {
			case "obligations", "revokes":
				if inScenarios(path) {
					return WhatIf
				}
				return Direction
			case "scenarios":
				return Scenario
			}
		}
		for i := 0; i < len(probe.Content[0].Content); i += 2 {
			if probe.Content[0].Content[i].Value == "event_types" {
				return Vocabulary
			}
		}
	}
	return History
}

// Under refines k, the Classify kind of path as found by walking root (a
// path given on the command line): a direction is WhatIf only when a
// folder named scenarios lies below root on the way to it, so that where
// the tree is kept, and the working directory, do not matter
// (/srv/scenarios/barnet is a council like any other). Given as root
// itself, it is a Direction.
func Under(root, path string, k Kind) Kind {
	if k != WhatIf {
		return k
	}
	if rel, err := filepath.Rel(root, path); err != nil || !inScenarios(rel) {
		return Direction
	}
	return WhatIf
}

// ExpandFrom is Expand, also saying for each file the path it was found
// under (the first, when several paths reach it).
func ExpandFrom(paths []string) ([]string, map[string]string, error) {
	var names []string
	root := map[string]string{}
	for _, p := range paths {
		sub, err := Expand([]string{p})
		if err != nil {
			return nil, nil, err
		}
		for _, n := range sub {
			if _, seen := root[n]; !seen {
				root[n] = p
			}
		}
		names = append(names, sub...)
	}
	return names, root, nil
}

// inScenarios reports whether path is below a folder named scenarios.
func inScenarios(path string) bool {
	for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(path)), "/") {
		if part == "scenarios" {
			return true
		}
	}
	return false
}

// Probe reads what Classify needs of a file and classifies it: YAML files
// are read whole (they are small, and bounded by Limits.MaxBytes), every
// other file is a history by its extension and is not read.
func Probe(path string, lim yamlx.Limits) (Kind, []byte, error) {
	if !isYAML(path) {
		return History, nil, nil
	}
	data, err := yamlx.ReadFile(path, lim)
	if err != nil {
		return "", nil, err
	}
	if big := yamlx.CheckSize(path, len(data), lim); big != nil {
		// Cut off at the limit, the file cannot be classified (a
		// direction would pass for a history): refuse it here.
		return "", nil, big
	}
	return classifyOnce(path, data), data, nil
}

// probed remembers the kind Probe found for each YAML file, by path and
// the SHA-256 of its bytes (classifyOnce): check splits a tree into
// councils (SplitTree) and then loads each council (load), and both probe
// every YAML file, so that Classify parsed each direction twice before
// the direction's loader parsed it a third time. Classify depends on the
// path and the bytes alone, so a file changed between the two probes is
// classified again. When full it starts again: a bound for a server that
// probes many files.
var probed struct {
	sync.Mutex
	m map[string]probedFile
}

type probedFile struct {
	sum  [sha256.Size]byte
	kind Kind
}

const maxProbed = 4096

// classifyOnce is Classify(path, data), remembered in probed.
func classifyOnce(path string, data []byte) Kind {
	sum := sha256.Sum256(data)
	probed.Lock()
	f, ok := probed.m[path]
	probed.Unlock()
	if ok && f.sum == sum {
		return f.kind
	}
	k := Classify(path, data)
	probed.Lock()
	if probed.m == nil || len(probed.m) >= maxProbed {
		probed.m = map[string]probedFile{}
	}
	probed.m[path] = probedFile{sum: sum, kind: k}
	probed.Unlock()
	return k
}

// isYAML reports whether path has a YAML extension: only YAML files can be
// anything but a history.
func isYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

// Load reads every file under paths. Directions are loaded first, so that
// bare dates in histories are read in their time zone. Scenario files are
// skipped: they are not inputs to an evaluation (directions test runs them).
// Histories are read through event.Read, as every command reads them, and
// each file's SHA-256 is computed as it is read.
func Load(paths []string, opts direction.Options) (*Workspace, error) {
	ws, _, err := load(paths, opts, nil)
	return ws, err
}

// LoadDeferred is Load, except that the histories for which stream reports
// true are not read: they are listed in Files without a digest (the
// caller reads them, and can fill it in) and returned in the order Load
// would have read them, so that the caller can stream them. Ids are
// checked within each file read, not across files: the caller checks
// them across all (see Validate).
func LoadDeferred(paths []string, opts direction.Options, stream func(path string) bool) (*Workspace, []string, error) {
	ws, later, err := load(paths, opts, stream)
	if err != nil {
		return nil, nil, err
	}
	return ws, later, nil
}

// IsJSONLines reports whether path is a JSON Lines history by extension.
func IsJSONLines(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".jsonl" || ext == ".ndjson"
}

// load reads the files; with deferred, it returns what it has read and
// the deferred histories even when there are errors (Validate reports
// theirs as well), and leaves the check of ids across files to the caller.
func load(paths []string, opts direction.Options, deferred func(string) bool) (*Workspace, []string, error) {
	var later []string
	names, root, err := ExpandFrom(paths)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no direction or history files (%s) found in %s", strings.Join(Extensions, ", "), strings.Join(paths, ", "))
	}
	ws := &Workspace{}
	var errs diag.List
	for _, name := range names {
		kind, data, err := Probe(name, yamlx.LimitsOf(opts.Limits))
		var big *diag.Error
		if errors.As(err, &big) {
			errs.Append(diag.Position{File: name}, big) // a file over the size limit; report every one
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		kind = Under(root[name], name, kind)
		if kind == WhatIf && slices.Contains(paths, name) {
			kind = Direction
		}
		if kind == Scenario || kind == WhatIf {
			continue
		}
		f := File{Path: name, Kind: kind, data: data}
		if data != nil {
			sum := sha256.Sum256(data)
			f.SHA256 = hex.EncodeToString(sum[:])
		}
		ws.Files = append(ws.Files, f)
	}
	for _, f := range ws.Files {
		if f.Kind != Direction {
			continue
		}
		d, err := direction.Parse(f.Path, f.data, opts)
		if err != nil {
			errs.Append(diag.Position{File: f.Path}, err)
			continue
		}
		ws.Directions = append(ws.Directions, d)
		if ws.Location == nil {
			ws.Location = d.Location
		} else if ws.Location.String() != d.Location.String() {
			errs.Add(diag.Position{File: f.Path}, "time_zone", "directions loaded together must share one time zone, so that dates in histories mean one thing: %s has %s, others %s", d.ID, d.Location, ws.Location)
		}
	}
	ws.addVocabularies()
	eopts := ws.EventOptions(opts.Limits)
	for i := range ws.Files {
		f := &ws.Files[i]
		if f.Kind != History {
			continue
		}
		if deferred != nil && deferred(f.Path) {
			ws.histories = append(ws.histories, history{path: f.Path, deferred: true})
			later = append(later, f.Path)
			continue
		}
		var evs []event.Event
		if f.data != nil {
			evs, err = event.Parse(f.Path, f.data, eopts)
		} else {
			evs, f.SHA256, err = readHistory(f.Path, eopts)
		}
		if err != nil {
			errs.Append(diag.Position{File: f.Path}, err)
			continue
		}
		ws.histories = append(ws.histories, history{path: f.Path, events: len(evs)})
		ws.Events = append(ws.Events, evs...)
	}
	if len(errs) == 0 && deferred == nil {
		if err := event.Validate(ws.Events); err != nil {
			errs.Append(diag.Position{}, err)
		}
	}
	for i := range ws.Files {
		ws.Files[i].data = nil // parsed: the bytes are no longer needed
	}
	if err := errs.Err(); err != nil {
		if deferred == nil {
			return nil, nil, err
		}
		return ws, later, err
	}
	sort.SliceStable(ws.Files, func(i, j int) bool { return ws.Files[i].Path < ws.Files[j].Path })
	return ws, later, nil
}

// EventOptions are the options every history of the workspace is read
// with: its directions' time zone (London without one), their vocabulary
// and the limits.
func (ws *Workspace) EventOptions(lim event.Limits) event.Options {
	loc := ws.Location
	if loc == nil {
		loc = event.London()
	}
	return event.Options{Location: loc, Limits: lim, Vocabulary: direction.VocabularyOf(ws.Directions...)}
}

// readHistory reads a history file that is not YAML through event.Read,
// computing its digest on the way (HashingReader); Stdin is JSON Lines.
func readHistory(path string, opts event.Options) ([]event.Event, string, error) {
	if path == Stdin {
		h := NewHashingReader(watch(path, 0, StdinReader))
		evs, err := event.Read(path, event.JSONL, h, opts)
		return evs, h.Sum(), err
	}
	f, ok := event.FormatOf(path)
	if !ok {
		evs, err := event.Load(path, opts) // words the unknown extension
		return evs, "", err
	}
	file, err := event.Open(path, f, opts.Limits)
	if err != nil {
		return nil, "", err
	}
	defer file.Close()
	h := NewHashingReader(watch(path, file.Size(), file))
	evs, err := event.Read(path, f, h, opts)
	return evs, h.Sum(), err
}

// addVocabularies lists the vocabulary files the directions read, wherever
// they live, so that every file a result depends on carries its digest.
func (ws *Workspace) addVocabularies() {
	listed := map[string]bool{}
	for _, f := range ws.Files {
		listed[filepath.Clean(f.Path)] = true
	}
	for _, v := range report.VocabularyInputs(ws.Directions) {
		if p := filepath.Clean(v.Path); !listed[p] {
			listed[p] = true
			ws.Files = append(ws.Files, File{Path: v.Path, Kind: Vocabulary, SHA256: v.SHA256})
		}
	}
}

// Set builds the direction set.
func (ws *Workspace) Set() (*direction.Set, error) { return direction.NewSet(ws.Directions...) }

// Inputs lists the files as the outputs give them (report.Input): path,
// kind and SHA-256.
func (ws *Workspace) Inputs() []report.Input {
	in := make([]report.Input, len(ws.Files))
	for i, f := range ws.Files {
		in[i] = report.Input{Path: f.Path, Kind: string(f.Kind), SHA256: f.SHA256}
	}
	return in
}
