package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Position is a place in an input file. Line and Column are 1-based;
// Column counts bytes, as go/token does. A Position with Line 0 refers to a
// whole file.
type Position struct {
	File   string
	Line   int
	Column int
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats p as file:line:col, file:line or file.
func (p Position) String() string {
	s := p.File
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d", p.Line)
		if p.Column > 0 {
			s += fmt.Sprintf(":%d", p.Column)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Error is one problem at one place.
type Error struct {
	Pos Position
	// Path is the data path of the offending element, such as
	// obligations[2].satisfied_by. It may be empty.
	Path string
	// Msg says what is wrong and, where it can, what would be valid.
	Msg string
}

// Error formats e as "file:line:col: path: message". A problem with no
// position at all (events made in code, say) starts at its path: a "-"
// would read as standard input.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos != (Position{}) {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// List is a list of problems. The zero value is an empty list ready to use.
type List []*Error

// MaxShown caps how many problems List.Error prints before "and N more".
const MaxShown = 50

// Add appends a problem.
func (l *List) Add(pos Position, path, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Append appends the problems in err: its *Error or List elements, or err
// itself at pos when it is another kind of error.
func (l *List) Append(pos Position, err error) {
	switch e := err.(type) {
	case nil:
	case List:
		*l = append(*l, e...)
	case *Error:
		*l = append(*l, e)
	default:
		l.Add(pos, "", "%s", err.Error())
	}
}

// Len, Less and Swap sort a List by file, line, column and message.
func (l List) Len() int      { return len(l) }
func (l List) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l List) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list in place and removes exact duplicates.
func (l *List) Sort() {
	sort.Stable(*l)
	out := (*l)[:0]
	for i, e := range *l {
		if i > 0 && *e == *(*l)[i-1] {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Error prints every problem on its own line, at most MaxShown of them.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == MaxShown {
			fmt.Fprintf(&b, "\n(and %d more)", len(l)-MaxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	if len(l) == 0 {
		return "no errors"
	}
	return b.String()
}

// Err returns nil for an empty list and the sorted list otherwise.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// Unwrap lets errors.As find an *Error in the list.
func (l List) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
