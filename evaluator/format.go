package evaluator

import (
	"strconv"
	"time"

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
	if d.Year < 0 || d.Year > 9999 {
		return d.String()
	}
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10), '-',
		byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10), '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
	return string(b)
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

// triggeredBasis is "<due>, computed from <trigger id> of <trigger day>".
func triggeredBasis(due civil.Date, ev *event.Event, loc *time.Location) string {
	var buf [96]byte
	b := appendLongDate(buf[:0], due)
	b = append(b, ", computed from "...)
	b = append(b, ev.ID...)
	b = append(b, " of "...)
	return string(appendLongDate(b, civil.In(ev.At, loc)))
}
