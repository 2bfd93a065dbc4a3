package evaluator

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
)

// Findings are made for every relevant event of a national check, so their
// words are built by appending rather than with fmt; the text is the same
// as civil.Date's String and Long give (format_test.go checks it).

var monthAbbr = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// longDate is d.Long(): "25 Apr 2018".
func longDate(d civil.Date) string {
	var buf [16]byte
	return string(appendLongDate(buf[:0], d))
}

func appendLongDate(b []byte, d civil.Date) []byte {
	b = strconv.AppendInt(b, int64(d.Day), 10)
	b = append(b, ' ')
	b = append(b, monthAbbr[d.Month]...)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(d.Year), 10)
}

// isoDate is d.String(): "2018-04-25".
func isoDate(d civil.Date) string {
	var buf [16]byte
	return string(appendISODate(buf[:0], d))
}

func appendISODate(b []byte, d civil.Date) []byte {
	if d.Year < 0 || d.Year > 9999 {
		return append(b, d.String()...)
	}
	return append(b, byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10), '-',
		byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10), '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
}

func day(t time.Time, loc *time.Location) string { return longDate(civil.In(t, loc)) }

// days is "1 day" or "n days".
func days(n int) string {
	return string(appendDays(nil, n))
}

func appendDays(b []byte, n int) []byte {
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " day"...)
	return append(b, plural(n)...)
}

// appendTriggeredBasis appends "<due>, computed from <trigger id> of
// <trigger day>".
func appendTriggeredBasis(b []byte, due civil.Date, id string, day civil.Date) []byte {
	b = appendLongDate(b, due)
	b = append(b, ", computed from "...)
	b = append(b, id...)
	b = append(b, " of "...)
	return appendLongDate(b, day)
}

// An Evaluate result keeps every finding, so the engine may hand out its
// findings' strings and event references from larger blocks (see
// engine.str and engine.ref): a few allocations for thousands of findings,
// and text blocks the collector need not scan. Stream and Monitor, whose
// callers may keep only some findings, allocate each one on its own.
const (
	textBlock = 16 << 10
	refBlock  = 256
)

// str returns b as a string, from the engine's text block when it has one.
// The block's bytes are never written again once handed out.
func (e *engine) str(b []byte) string {
	if !e.blocks || len(b) == 0 || len(b) > textBlock/4 {
		return string(b)
	}
	if cap(e.text)-len(e.text) < len(b) {
		e.text = make([]byte, 0, textBlock)
	}
	start := len(e.text)
	e.text = append(e.text, b...)
	return unsafe.String(&e.text[start], len(b))
}

// newInstance returns a zero instance, from a block when the engine has
// them (an Evaluate engine holds every instance until it returns).
func (e *engine) newInstance() *instance {
	if !e.blocks {
		return new(instance)
	}
	if len(e.insts) == cap(e.insts) {
		e.insts = takeBlock(&e.spareInsts, refBlock)
		e.instBlocks = append(e.instBlocks, e.insts)
	}
	e.insts = e.insts[:len(e.insts)+1]
	return &e.insts[len(e.insts)-1]
}

// ref refers to ev in a finding.
func (e *engine) ref(ev *event.Event) *EventRef {
	if ev == nil {
		return nil
	}
	if !e.blocks {
		return ref(ev)
	}
	if len(e.refs) == cap(e.refs) {
		e.refs = make([]EventRef, 0, refBlock)
	}
	e.refs = append(e.refs, EventRef{ID: ev.ID, At: ev.At, Pos: ev.Pos})
	return &e.refs[len(e.refs)-1]
}
