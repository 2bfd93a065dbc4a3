package event

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// readLines reads src as JSON Lines and describes every event or error.
func readLines(src []byte) []string { return readLinesWith(src, Options{}) }

func readLinesWith(src []byte, opts Options) []string {
	return describeAll(NewReader("h.jsonl", bytes.NewReader(src), opts), func(ev *Event) string {
		return fmt.Sprintf("%s|%s|%s|%v|%#v|%v", ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Attrs, ev.Pos)
	})
}

// describeAll reads r to the end and describes every event (by describe)
// or error.
func describeAll(r *Reader, describe func(*Event) string) []string {
	var out []string
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out = append(out, "error: "+err.Error())
			continue
		}
		out = append(out, describe(ev))
	}
}

// skipping has a Reader skip the attributes of visits and reports.
var skipping = Options{ReadsAttributes: func(t string) bool { return t != "visit" && t != "report" }}

// withoutAttrs reads src skipping, by flatLine or not, and describes
// every event but its attributes (which the decoder reads regardless).
func withoutAttrs(src []byte, flat bool) []string {
	defer func() { useFlatLine = true }()
	useFlatLine = flat
	return describeAll(NewReader("h.jsonl", bytes.NewReader(src), skipping), func(ev *Event) string {
		return fmt.Sprintf("%s|%s|%s|%v|%v|%v", ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Through, ev.Pos)
	})
}

// flatLine must read every line as the decoder does, and never accept a
// line the decoder refuses: lines in the shapes exports write, and a
// hundred thousand mutations of them (bytes changed, dropped, doubled).
func TestFlatLineAgreesWithDecoder(t *testing.T) {
	seeds := []string{
		`{"id":"e1","type":"visit","at":"2018-04-25T09:00:07+01:00","child":"c1","worker":"w2"}`,
		`{"id":"e2","type":"response","at":"2018-04-25","n":12,"f":-1.5e3,"ok":true,"no":false,"none":null,"z":0}`,
		` { "id" : "e3" , "type" : "report" , "at" : "2018-04-25T23:30:00Z" } `,
		`{"id":"e4","type":"report","at":"2018-04-25","big":123456789012345678901234}`,
		`{"id":"","type":"report","at":"2018-02-30"}`,
		`{"type":"report","at":"2018-04-25","id":7}`,
		`{}`,
		`{"id":"e5","type":"report","at":"2018-04-25","id":"e6"}`,
		`{"id":"e6","type":"r\u00e9port","at":"2018-04-25"}`,
		`{"id":"e7","type":"report","at":"2018-04-25","list":[1,2]}`,
		`{"id":"e8","type":"report","at":"2018-04-25"}{"id":"e9"}`,
		`{"id":"e9","type":"report","at":"2018-04-25","n":01}`,
		`{"id":"e10","type":"report","at":"2018-04-25","n":1.}`,
		`{"id":"e11","type":"report","at":"2018-04-25","n":-}`,
		`{"id":"e12","type":"report","at":"2018-04-25",}`,
		`{"id":"e13","type":"report","at":"2018-04-25","s":"tab	in"}`,
		`["id"]`,
		`{"id":"e14","type":"report","at":"2018-04-25","e":1E+2,"g":2e-0}`,
		// Repeated names, reserved and not, and names like the reserved
		// ones (the scanner tells them by slot and by bytes).
		`{"id":"e15","type":"visit","at":"2018-04-25","type":"report"}`,
		`{"id":"e16","at":"2018-04-25","type":"visit","at":"2018-04-26"}`,
		`{"id":"e17","type":"visit","at":"2018-04-25","child":"c1","worker":"w1","child":"c2"}`,
		`{"ID":"e18","Type":"visit","at ":"2018-04-25","id":"e18","type":"visit","at":"2018-04-25","ty":"x","i":"y","a":"z"}`,
		// Blank and odd reserved values on a skipped type.
		`{"id":"   ","type":"visit","at":"2018-04-25"}`,
		`{"id":"e19","type":"   ","at":"2018-04-25"}`,
		`{"id":"e20","type":"visit","at":"  "}`,
		`{"id":"e21","type":"visit","at":"2018-04-25","n":99999999999999999999,"m":1.5}`,
		`{"id":"e22","type":true,"at":"2018-04-25","child":"c1"}`,
		`{"id":null,"type":"visit","at":"2018-04-25T09:00:00+01:00","child":"c1"}`,
		`{"id":"e23","type":"visit","at":"2018-04-25T09:00:00+01:00","child":"c1"}`,
		`{"id":"e24","type":"assessment","at":"2018-04-25T09:00:01+01:00","child":"c1"}`,
	}
	check := func(src []byte) {
		t.Helper()
		useFlatLine = true
		fast := readLines(src)
		useFlatLine = false
		slow := readLines(src)
		useFlatLine = true
		if fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Fatalf("%q:\nflat    %v\ndecoder %v", src, fast, slow)
		}
		// Skipping the attributes of a type changes nothing but Attrs:
		// every error is still found, and id, type, time and position
		// read as the decoder reads them (plainSkipped takes them).
		skipped := readLinesWith(src, skipping)
		for i := range skipped {
			if strings.HasPrefix(slow[i], "error") != strings.HasPrefix(skipped[i], "error") ||
				(strings.HasPrefix(slow[i], "error") && slow[i] != skipped[i]) {
				t.Fatalf("%q:\nskipping %v\ndecoder  %v", src, skipped, slow)
			}
		}
		if fast, slow := withoutAttrs(src, true), withoutAttrs(src, false); fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Fatalf("%q, skipping:\nflat    %v\ndecoder %v", src, fast, slow)
		}
	}
	for _, s := range seeds {
		check([]byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("{}[]:,\"\\ -+.eE0123456789tfnrulasx\t\x00\xff")
	for range 20_000 {
		b := []byte(seeds[rng.IntN(len(seeds))])
		for range 1 + rng.IntN(3) {
			if len(b) == 0 {
				break
			}
			j := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[j] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:j], b[j+1:]...)
			case 2:
				b = append(b[:j+1], b[j:]...)
			}
		}
		check(b)
	}
}

// The ids of skipped events share blocks (arenaString): every id kept
// from earlier events must still read as it was after many more blocks
// are filled, and events whose attributes are read get ids of their own.
func TestArenaIDsStayAsRead(t *testing.T) {
	var src bytes.Buffer
	const n = 5000 // about six blocks of ids
	for i := range n {
		typ := "visit"
		if i%100 == 0 {
			typ = "report"
		}
		fmt.Fprintf(&src, `{"id":"council-%06d","type":%q,"at":"2018-04-25","child":"c%d"}`+"\n", i, typ, i)
	}
	r := NewReader("h.jsonl", &src, Options{ReadsAttributes: func(t string) bool { return t == "report" }})
	var ids []string
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if (ev.Type == "report") != (len(ev.Attrs) == 1) {
			t.Fatalf("%s: attributes %v", ev.ID, ev.Attrs)
		}
		ids = append(ids, ev.ID)
	}
	if len(ids) != n {
		t.Fatalf("read %d events, want %d", len(ids), n)
	}
	for i, id := range ids {
		if want := fmt.Sprintf("council-%06d", i); id != want {
			t.Fatalf("id %d reads %q, want %q", i, id, want)
		}
	}
}

// flatLine scans a value string eight bytes at a time (wordAtATime): a
// line must read as the decoder reads it with a byte of each kind (and,
// at a few places, every byte) at any place of a value, near a word's
// edge or the line's end, read or skipped.
func TestFlatLineWordScanAgreesWithDecoder(t *testing.T) {
	same := func(line string) {
		t.Helper()
		src := []byte(line)
		useFlatLine = false
		slow := readLines(src)
		useFlatLine = true
		if fast := readLines(src); fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Fatalf("%q:\nflat    %v\ndecoder %v", src, fast, slow)
		}
		if fast, slow := withoutAttrs(src, true), withoutAttrs(src, false); fmt.Sprint(fast) != fmt.Sprint(slow) {
			t.Fatalf("%q, skipping:\nflat    %v\ndecoder %v", src, fast, slow)
		}
	}
	values := func(n, at int, c byte) {
		s := bytes.Repeat([]byte("a"), n)
		s[at] = c
		same(`{"id":"e1","type":"report","at":"2018-04-25","s":"` + string(s) + `"}`)
		same(`{"id":"e1","type":"visit","at":"2018-04-25","s":"` + string(s) + `"}`)
		same(`{"id":"` + string(s) + `","type":"visit","at":"2018-04-25"}`)
		same(`{"id":"e1","type":"visit","at":"` + string(s) + `"`)
	}
	for _, c := range []byte("\x00\x1f \t!\"\\a[]\x7f\x80\xc3\xff") {
		for n := range 20 {
			for at := range n {
				values(n, at, c)
			}
		}
	}
	for c := range 256 {
		for _, at := range []int{0, 7, 8, 16} {
			values(17, at, byte(c))
		}
	}
}
