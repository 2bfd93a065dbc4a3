package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dfe-tools/directions/diag"
	"go.yaml.in/yaml/v3"
)

// Limits bound what a file may cost to read. The zero value means the
// defaults.
type Limits struct {
	// MaxBytes bounds YAML files (directions, vocabularies, scenarios and
	// YAML histories), whose parse builds a node tree; default 16 MiB.
	MaxBytes int
	// MaxHistoryBytes bounds JSON, JSON Lines and CSV histories, which
	// are read in one linear pass and may hold millions of events;
	// default 4 GiB.
	MaxHistoryBytes int
	MaxDepth        int // default 64
	MaxNodes        int // nodes after expanding aliases; default 1,000,000

	field string // which size limit MaxBytes holds, for messages
}

// LimitsOf converts the public limits type (event.Limits), whose fields
// are these four, for the reader.
func LimitsOf[L ~struct {
	MaxBytes        int
	MaxHistoryBytes int
	MaxDepth        int
	MaxNodes        int
}](l L) Limits {
	s := struct {
		MaxBytes        int
		MaxHistoryBytes int
		MaxDepth        int
		MaxNodes        int
	}(l)
	return Limits{MaxBytes: s.MaxBytes, MaxHistoryBytes: s.MaxHistoryBytes, MaxDepth: s.MaxDepth, MaxNodes: s.MaxNodes}
}

// DefaultLimits are used where Limits fields are zero.
// MaxHistoryBytes is 4 GiB, or the largest int where int is 32 bits.
var DefaultLimits = Limits{MaxBytes: 16 << 20, MaxHistoryBytes: min(4<<30, math.MaxInt), MaxDepth: 64, MaxNodes: 1_000_000}

// ForHistory returns the limits for a JSON, JSON Lines or CSV history: the
// same, with MaxBytes set to MaxHistoryBytes.
func (l Limits) ForHistory() Limits {
	l = l.withDefaults()
	l.MaxBytes, l.field = l.MaxHistoryBytes, "MaxHistoryBytes"
	return l
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxHistoryBytes <= 0 {
		l.MaxHistoryBytes = DefaultLimits.MaxHistoryBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultLimits.MaxNodes
	}
	return l
}

// Bytes returns the size limit, with the default applied.
func (l Limits) Bytes() int { return l.withDefaults().MaxBytes }

// Depth returns the nesting limit, with the default applied.
func (l Limits) Depth() int { return l.withDefaults().MaxDepth }

// CheckSize refuses a file of n bytes when it is over the limit.
func CheckSize(file string, n int, lim Limits) *diag.Error {
	lim = lim.withDefaults()
	if n <= lim.MaxBytes {
		return nil
	}
	field := lim.field
	if field == "" {
		field = "MaxBytes"
	}
	size := fmt.Sprintf("file is %d bytes, over", n)
	if n == lim.MaxBytes+1 {
		// ReadFile stops one byte past the limit: the size is unknown.
		size = "file is over"
	}
	return &diag.Error{Pos: diag.Position{File: file, Line: 1, Column: 1},
		Msg: fmt.Sprintf("%s the limit of %d bytes: split it into smaller files, or %s", size, lim.MaxBytes, RaiseLimit("Limits."+field))}
}

// ReadFile reads a regular file opened by OpenRegular, no more than the
// size it had when opened, so that a path to a device, a pipe or a growing
// file can neither block nor flood a loader.
func ReadFile(path string, lim Limits) ([]byte, error) {
	f, size, err := OpenRegular(path, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, size))
}

// OpenRegular opens a file for reading and returns it with its size at the
// open. It refuses anything but a regular file, saying what it is (see
// CheckRegular), and a file over lim.MaxBytes, as a diag.List with its
// size. Every loader opens its files here.
//
// The path is looked at before it is opened, so that a device is refused
// unopened (opening one may have effects), and the open file is looked at
// again, which is what counts: the path may have been replaced since. The
// open does not wait (O_NONBLOCK), so a named pipe put there meanwhile is
// refused at once rather than waited on for a writer.
func OpenRegular(path string, lim Limits) (*os.File, int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if err := CheckRegular(path, info); err != nil {
		return nil, 0, err
	}
	return openStatted(path, lim)
}

// openStatted is OpenRegular after the look at the path.
func openStatted(path string, lim Limits) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNoWait, 0)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err == nil {
		err = CheckRegular(path, info)
	}
	if err == nil {
		if big := CheckSize(path, int(min(info.Size(), math.MaxInt)), lim); big != nil {
			err = diag.List{big} // with its size, unread
		}
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}

// CheckRegular refuses a path that is not a regular file, saying what it
// is: opening a named pipe waits for a writer, and a device such as
// /dev/zero never ends.
func CheckRegular(path string, info fs.FileInfo) error {
	m := info.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory, not a file"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		what = "a device, not a regular file"
	}
	return fmt.Errorf("%s is %s", path, what)
}

// Doc is a parsed file and the list its walkers add problems to.
type Doc struct {
	File string
	Src  []byte
	Root *yaml.Node // the document's top node; nil for an empty file
	Errs diag.List
	// lineStarts indexes Src by line as files count lines (after each
	// \n), parserStarts as the YAML parser does; both are built on the
	// first position asked for (see pos.go).
	lineStarts, parserStarts []int
}

// The regular expressions are compiled on first use rather than at
// start-up, which every command pays.
var (
	lineRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })
	wholeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`) })
	// floatRE is YAML's decimal float (underscores removed).
	floatRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	})
)

// CheckText rejects input that is not UTF-8 text, reporting the first bad
// byte's position, and strips a UTF-8 byte order mark.
func CheckText(file string, src []byte) ([]byte, *diag.Error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if utf8.Valid(src) {
		return src, nil
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, &diag.Error{Pos: diag.Position{File: file, Line: line, Column: col},
				Msg: fmt.Sprintf("invalid UTF-8 byte 0x%02x: files must be UTF-8 text", src[i])}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col += size
		}
		i += size
	}
	return src, nil
}

// Parse reads one YAML document. It returns a Doc whose Errs holds any
// problem found; Root is nil when the file could not be parsed.
func Parse(file string, src []byte, lim Limits) *Doc {
	lim = lim.withDefaults()
	d := &Doc{File: file}
	if big := CheckSize(file, len(src), lim); big != nil {
		d.Errs = append(d.Errs, big)
		return d
	}
	src, bad := CheckText(file, src)
	if bad != nil {
		d.Errs = append(d.Errs, bad)
		return d
	}
	d.Src = src
	if len(bytes.TrimSpace(src)) == 0 {
		d.Errs.Add(diag.Position{File: file, Line: 1, Column: 1}, "", "file is empty")
		return d
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			d.Errs.Add(diag.Position{File: file, Line: 1, Column: 1}, "", "file holds only comments and blank lines; expected a YAML document")
			return d
		}
		e := yamlError(file, err)
		// The parser's line, which U+2028 and its kind would push down,
		// as the file's.
		e.Pos.Line = d.PosAt(d.offset(e.Pos.Line, 1)).Line
		if strings.Contains(e.Msg, "cannot start any token") && tabAt(src, e.Pos.Line) {
			e.Msg += " (a tab: YAML indents with spaces, not tabs)"
		}
		d.Errs = append(d.Errs, e)
		return d
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.Errs.Add(d.Pos(&extra), "", "a file holds one YAML document; remove this second document (or its --- separator)")
		return d
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		d.Root = root.Content[0]
	} else {
		d.Errs.Add(diag.Position{File: file, Line: 1, Column: 1}, "", "file holds no YAML document")
		return d
	}
	if err := checkSize(d, d.Root, lim); err != nil {
		d.Errs = append(d.Errs, err)
		d.Root = nil
	}
	return d
}

// tabAt reports whether the given 1-based line has a tab in its
// indentation.
func tabAt(src []byte, line int) bool {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	return bytes.ContainsRune(l[:len(l)-len(bytes.TrimLeft(l, " \t"))], '\t')
}

func yamlError(file string, err error) *diag.Error {
	msg := err.Error()
	pos := diag.Position{File: file, Line: 1, Column: 1}
	if m := lineRE().FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if parserProblem(msg) {
			// yaml.v3 words a parser error's line from its 0-based
			// mark (a scanner error's it counts from 1): the line is
			// the next one.
			pos.Line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	return &diag.Error{Pos: pos, Msg: "not valid YAML: " + msg}
}

// parserProblem reports whether msg is one of yaml.v3's parser errors (its
// parserc.go), whose "line N" counts from 0, not one of its scanner
// errors, whose line counts from 1.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"found undefined tag handle", "did not find expected node content",
		"did not find expected '-' indicator", "did not find expected key",
		"did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"found duplicate %YAML directive", "found incompatible YAML document",
		"found duplicate %TAG directive":
		return true
	}
	return false
}

// checkSize refuses documents that nest too deeply or expand, through
// aliases, into too many nodes ("billion laughs"). Expanded sizes are
// memoised per node, so the check itself is linear in the file.
func checkSize(d *Doc, root *yaml.Node, lim Limits) *diag.Error {
	memo := map[*yaml.Node]int{}
	var tooDeep *yaml.Node
	var count func(n *yaml.Node, depth int) int
	count = func(n *yaml.Node, depth int) int {
		if depth > lim.MaxDepth {
			if tooDeep == nil {
				tooDeep = n
			}
			return 1
		}
		if c, ok := memo[n]; ok {
			return c
		}
		memo[n] = 1 // a cycle counts once
		total := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			total += count(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			total += count(c, depth+1)
			if total > lim.MaxNodes {
				break
			}
		}
		memo[n] = total
		return total
	}
	total := count(root, 1)
	if tooDeep != nil {
		return &diag.Error{Pos: d.Pos(tooDeep), Msg: fmt.Sprintf("nesting is deeper than the limit of %d levels; flatten the data, or %s", lim.MaxDepth, RaiseLimit("Limits.MaxDepth"))}
	}
	if total > lim.MaxNodes {
		return &diag.Error{Pos: d.Pos(root), Msg: fmt.Sprintf("document expands to more than %d nodes, counting each alias (*name) as a copy of what it names; "+
			"write the data out without multiplying aliases, or %s", lim.MaxNodes, RaiseLimit("Limits.MaxNodes"))}
	}
	return nil
}

// Errorf records a problem at n.
func (d *Doc) Errorf(n *yaml.Node, path, format string, args ...any) {
	d.Errs.Add(d.Pos(n), path, format, args...)
}

// Resolve follows aliases to the node they name.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// KindName names a node's kind for messages.
func KindName(n *yaml.Node) string {
	n = Resolve(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "null"
	case n.Tag == "!!int", n.Tag == "!!float":
		return "the number " + n.Value
	case n.Tag == "!!bool":
		return "the boolean " + n.Value
	default:
		return strconv.Quote(n.Value)
	}
}

// Map is a YAML mapping being walked.
type Map struct {
	doc    *Doc
	Node   *yaml.Node
	Path   string
	keys   map[string]*yaml.Node // key -> key node
	values map[string]*yaml.Node // key -> value node
	order  []string
	// misspelt holds the known keys that an unknown key was taken for,
	// so that the key is not also reported missing.
	misspelt map[string]bool
}

// Map checks that n is a mapping whose keys are unique strings among known,
// reporting each unknown key with a suggestion. It returns nil when n is not
// a mapping.
func (d *Doc) Map(n *yaml.Node, path string, known ...string) *Map {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "expected a mapping (key: value lines), found %s", KindName(n))
		return nil
	}
	m := &Map{doc: d, Node: n, Path: path, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, path, "keys must be plain words, found %s", KindName(k))
			continue
		}
		if k.Value == "<<" {
			d.Errorf(k, path, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if prev, dup := m.keys[k.Value]; dup {
			d.Errorf(k, Join(path, k.Value), "duplicate key %q (first at line %d)", k.Value, d.Pos(prev).Line)
			continue
		}
		if known != nil && !slices.Contains(known, k.Value) {
			hint := Suggest(k.Value, known)
			d.Errorf(k, Join(path, k.Value), "unknown key %q%s", k.Value, hint)
			if strings.HasPrefix(hint, " (did you mean") {
				if m.misspelt == nil {
					m.misspelt = map[string]bool{}
				}
				m.misspelt[hint[len(` (did you mean "`):len(hint)-len(`"?)`)]] = true
			}
			continue
		}
		m.keys[k.Value] = k
		m.values[k.Value] = v
		m.order = append(m.order, k.Value)
	}
	return m
}

// Join appends a key to a data path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a list index to a data path.
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Keys returns the keys in file order.
func (m *Map) Keys() []string { return m.order }

// Has reports whether key is present.
func (m *Map) Has(key string) bool { _, ok := m.values[key]; return ok }

// Value returns the value node of key, or nil.
func (m *Map) Value(key string) *yaml.Node { return Resolve(m.values[key]) }

// Key returns the key node of key, or nil.
func (m *Map) Key(key string) *yaml.Node { return m.keys[key] }

// Require reports a missing key at the mapping and returns its value node.
func (m *Map) Require(key, what string) *yaml.Node {
	v := m.Value(key)
	if v == nil && !m.misspelt[key] {
		m.doc.Errorf(m.Node, Join(m.Path, key), "missing required key %q: %s", key, what)
	}
	return v
}

// Misspelt reports whether an unknown key in the mapping was reported as a
// likely misspelling of key, so that callers need not report key missing.
func (m *Map) Misspelt(key string) bool { return m.misspelt[key] }

// String returns key's value as a non-empty string. Missing keys give ""
// (and an error when required).
func (m *Map) String(key string, required bool, what string) (string, *yaml.Node) {
	v := m.Value(key)
	if v == nil {
		if required && !m.misspelt[key] {
			m.doc.Errorf(m.Node, Join(m.Path, key), "missing required key %q: %s", key, what)
		}
		return "", nil
	}
	s, ok := m.doc.Scalar(v, Join(m.Path, key), what)
	if ok && strings.TrimSpace(s) == "" {
		m.doc.Errorf(v, Join(m.Path, key), "%q must not be empty: %s", key, what)
		ok = false
	}
	if !ok {
		return "", nil
	}
	return s, v
}

// Scalar returns n's text when n is a non-null scalar.
func (d *Doc) Scalar(n *yaml.Node, path, what string) (string, bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		hint := ""
		if n != nil && n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && len(n.Content) == 2 {
			// "text: more text" on one line reads as a mapping.
			hint = "; if this is text containing \": \", put it in quotes"
		}
		d.Errorf(n, path, "expected %s, found %s%s", what, KindName(n), hint)
		return "", false
	}
	return n.Value, true
}

// Int returns n as an integer.
func (d *Doc) Int(n *yaml.Node, path, what string) (int, bool) {
	n = Resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i, true
		}
	}
	d.Errorf(n, path, "expected %s (a whole number), found %s", what, KindName(n))
	return 0, false
}

// Seq returns the items of a list node.
func (d *Doc) Seq(n *yaml.Node, path, what string) ([]*yaml.Node, bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Errorf(n, path, "expected a list of %s, found %s", what, KindName(n))
		return nil, false
	}
	return n.Content, true
}

// Strings returns a list of strings; a single scalar is accepted as a list
// of one.
func (d *Doc) Strings(n *yaml.Node, path, what string) []string {
	n = Resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	items, ok := d.Seq(n, path, what)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		if s, ok := d.Scalar(it, Index(path, i), "text, one of the "+what); ok {
			out = append(out, s)
		}
	}
	return out
}

// Native converts a node to plain Go values: string, int64, float64, bool,
// nil, []any and map[string]any. Dates and times stay strings, exactly as
// written, so YAML and JSON histories read alike.
func (d *Doc) Native(n *yaml.Node, path string) (any, bool) {
	n = Resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, true
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err == nil {
				return b, true
			}
		case "!!int":
			if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return i, true
			}
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, true
			}
			d.Errorf(n, path, "the whole number %s does not fit in 64 bits; quote it to keep it as text", n.Value)
			return nil, false
		case "!!float":
			if n.Style&yaml.TaggedStyle == 0 && wholeRE().MatchString(n.Value) {
				// YAML reads a whole number too big for 64 bits as a
				// float; refuse rather than round it silently.
				d.Errorf(n, path, "the whole number %s does not fit in 64 bits; quote it to keep it as text", n.Value)
				return nil, false
			}
			text := strings.ReplaceAll(n.Value, "_", "")
			if !floatRE().MatchString(text) {
				// .inf, .nan, or a !!float tag on other text.
				d.Errorf(n, path, "cannot read %s as a number a history can hold (a decimal such as 12.5 or 1e2; no infinity or NaN); quote it to keep it as text", strconv.Quote(n.Value))
				return nil, false
			}
			f, err := Float(text)
			if err != nil {
				d.Errorf(n, path, "%v; quote it to keep it as text", err)
				return nil, false
			}
			return f, true
		case "!!str":
			if n.Style == 0 && n.Value != "" && strings.IndexByte("+-.0123456789", n.Value[0]) >= 0 {
				if text := strings.ReplaceAll(n.Value, "_", ""); floatRE().MatchString(text) {
					// A plain number YAML could not read as a float
					// (1e400): refused as JSON refuses it, not kept as text.
					if _, err := Float(text); err != nil {
						d.Errorf(n, path, "%v; quote it to keep it as text", err)
						return nil, false
					}
				}
			}
			return n.Value, true
		default:
			return n.Value, true
		}
		d.Errorf(n, path, "cannot read %s as a %s", strconv.Quote(n.Value), strings.TrimPrefix(n.Tag, "!!"))
		return nil, false
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		ok := true
		for i, c := range n.Content {
			v, good := d.Native(c, Index(path, i))
			ok = ok && good
			out = append(out, v)
		}
		return out, ok
	case yaml.MappingNode:
		m := d.Map(n, path)
		if m == nil {
			return nil, false
		}
		out := make(map[string]any, len(m.order))
		ok := true
		for _, k := range m.order {
			v, good := d.Native(m.values[k], Join(path, k))
			ok = ok && good
			out[k] = v
		}
		return out, ok
	}
	d.Errorf(n, path, "unexpected YAML node")
	return nil, false
}

// Suggest returns ` (did you mean "x"?)` for the closest of candidates, or
// lists the valid ones when none is close.
func Suggest(got string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if dist := levenshtein(strings.ToLower(got), strings.ToLower(c)); dist < bestD {
			best, bestD = c, dist
		}
	}
	if best != "" && (bestD <= 2 || bestD*3 <= len(got)) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	return fmt.Sprintf("; expected one of: %s", strings.Join(sorted, ", "))
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
