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
	r := NewReader("h.jsonl", bytes.NewReader(src), opts)
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
		out = append(out, fmt.Sprintf("%s|%s|%s|%v|%#v|%v", ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Attrs, ev.Pos))
	}
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
		// every error is still found.
		skipped := readLinesWith(src, Options{ReadsAttributes: func(t string) bool { return t != "visit" && t != "report" }})
		for i := range skipped {
			if strings.HasPrefix(slow[i], "error") != strings.HasPrefix(skipped[i], "error") ||
				(strings.HasPrefix(slow[i], "error") && slow[i] != skipped[i]) {
				t.Fatalf("%q:\nskipping %v\ndecoder  %v", src, skipped, slow)
			}
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

// chunked hands on its bytes in chunks of the sizes next gives, as a
// ChunkReader, and overwrites each chunk with junk when the next is
// asked for, as a reader reusing its memory may.
type chunked struct {
	data []byte
	next func() int
	last []byte
}

// Read is not used: a Reader of a ChunkReader asks for chunks.
func (c *chunked) Read([]byte) (int, error) { panic("Read called on a ChunkReader") }

func (c *chunked) NextChunk() ([]byte, error) {
	for i := range c.last {
		c.last[i] = '#'
	}
	if len(c.data) == 0 {
		return nil, io.EOF
	}
	n := min(c.next(), len(c.data))
	c.last = append([]byte(nil), c.data[:n]...)
	c.data = c.data[n:]
	return c.last, nil
}

// Lines read where they lie in the chunks of a ChunkReader come out as
// read from a plain io.Reader, whatever the chunks' sizes: lines split
// across chunks, CRLF split between its two bytes, a last line without a
// line end, empty chunks, lines just under, at and over MaxLine, and one
// with no line end in sight.
func TestChunkedLinesAgree(t *testing.T) {
	ev := `{"id":"e%d","type":"visit","at":"2018-04-25T09:00:07+01:00","child":"c1"}`
	var b bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&b, ev, i)
		b.WriteString([]string{"\n", "\r\n", "\n\n"}[i%3])
	}
	pad := func(n int) string {
		s := fmt.Sprintf(ev, 999)
		return s[:len(s)-1] + `,"pad":"` + strings.Repeat("x", n-len(s)-9) + `"}`
	}
	long := b.String() + pad(MaxLine-1) + "\n" + pad(MaxLine) + "\n" + pad(MaxLine+1) + "\r\n" + fmt.Sprintf(ev, 1000) + "\n" +
		pad(3*MaxLine) + "\n" + fmt.Sprintf(ev, 1001)
	inputs := map[string]string{"short": b.String(), "long": long, "no line end": fmt.Sprintf(ev, 1) + "\n" + strings.Repeat("x", maxSkip+10)}
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := map[string]func() int{
		"1 byte": func() int { return 1 },
		"random": func() int { return rng.IntN(300) },
		"big":    func() int { return 1 + rng.IntN(3*MaxLine) },
	}
	// What the plain path gives, by hand: a line is at most MaxLine bytes
	// with its line end; reading goes on after a longer one, but not
	// past maxSkip bytes with no line end.
	kinds := func(out []string) (k []string) {
		if len(out) > 200 {
			out = out[200:] // the short events
		}
		for _, o := range out {
			if strings.HasPrefix(o, "error: ") {
				o = strings.SplitN(o, ": ", 3)[2]
				k = append(k, strings.TrimSpace(o[:min(len(o), 20)]))
			} else {
				k = append(k, strings.SplitN(o, "|", 2)[0])
			}
		}
		return k
	}
	byHand := map[string]string{
		"long":        "[e999 line is longer than line is longer than e1000 line is longer than e1001]",
		"no line end": "[e1 no line end in the f]",
	}
	for name, in := range inputs {
		want := readLines([]byte(in))
		if w, ok := byHand[name]; ok && fmt.Sprint(kinds(want)) != w {
			t.Fatalf("%s: plain path gives %v, want %s", name, kinds(want), w)
		}
		for sname, size := range sizes {
			if sname == "1 byte" && len(in) > 1<<16 {
				continue // slow and says nothing more
			}
			t.Run(name+"/"+sname, func(t *testing.T) {
				var got []string
				r := NewReader("h.jsonl", &chunked{data: []byte(in), next: size}, Options{})
				for {
					ev, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						got = append(got, "error: "+err.Error())
						continue
					}
					got = append(got, fmt.Sprintf("%s|%s|%s|%v|%#v|%v", ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Attrs, ev.Pos))
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("chunked:\n%.2000v\nplain:\n%.2000v", got, want)
				}
			})
		}
	}
}

// A ChunkReader that keeps giving nothing ends the history with an
// error instead of a loop that never ends.
func TestChunkedNoProgress(t *testing.T) {
	r := NewReader("h.jsonl", &chunked{data: []byte("{}\n"), next: func() int { return 0 }}, Options{})
	_, err := r.Next()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("got %v, want io.ErrNoProgress", err)
	}
}
