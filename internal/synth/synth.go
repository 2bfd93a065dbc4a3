package synth

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
)

//go:embed direction.yaml.tmpl
var directionTemplate string

// Direction returns the YAML of a synthetic direction to council issued on
// issued, with the obligations of the Barnet example of January 2018.
func Direction(council string, issued civil.Date) []byte {
	r := strings.NewReplacer("{{ID}}", council+"-"+issued.String(), "{{COUNCIL}}", council, "{{ISSUED}}", issued.String())
	return []byte(r.Replace(directionTemplate))
}

// Options shape a synthetic history.
type Options struct {
	Seed    uint64
	Council string
	// Issued is the direction's date; events start a month before it.
	Issued civil.Date
	Years  int
	// Noise is the share of events no obligation cares about (visits,
	// assessments), from 0 to just under 1.
	Noise float64
	// RequestsPerMonth is how many requests the adviser and commissioner
	// make a month; each is answered by a response. Zero means 2.
	RequestsPerMonth int
	// Late and Missed are the shares of duties planted late or missed;
	// negative means none, zero the defaults of 5% and 3%.
	Late, Missed float64
	// Times gives events an RFC 3339 time with the UTC offset in force in
	// London (2018-04-25T09:00:00+01:00, 2018-12-03T09:00:07Z), as case
	// management exports write them, instead of a bare date. Duty events
	// fall at 09:00 and case-level noise in the seconds after, so that the
	// order of events, and every finding's verdict, is as with dates.
	Times bool
}

// dutyHour is the time of day of duty events when Options.Times is set.
const dutyHour = 9 * time.Hour

// at is when an event on day d happens: the day, or with Options.Times
// 09:00 plus offset.
func (g *gen) at(d civil.Date, offset time.Duration) (time.Time, bool) {
	if !g.o.Times {
		return d.Start(g.loc), true
	}
	return d.Start(g.loc).Add(dutyHour + offset), false
}

// Planted counts what the generator meant to happen, for tests and
// benchmark reports.
type Planted struct {
	Relevant, Noise, Late, Missed, Refused int
}

type gen struct {
	o      Options
	r      *rand.Rand
	loc    *time.Location
	events []event.Event
	n      int
	p      Planted
}

// History returns a council's events in time order (ties keep generation
// order) with unique ids, and what was planted in it.
func History(o Options) ([]event.Event, Planted) {
	if o.RequestsPerMonth == 0 {
		o.RequestsPerMonth = 2
	}
	if o.Late == 0 {
		o.Late = 0.05
	}
	if o.Missed == 0 {
		o.Missed = 0.03
	}
	if o.Years <= 0 {
		o.Years = 1
	}
	g := &gen{o: o, r: rand.New(rand.NewPCG(o.Seed, 0x5eed)), loc: event.London()}
	g.duties()
	g.noise()
	sort.SliceStable(g.events, func(i, j int) bool { return g.events[i].At.Before(g.events[j].At) })
	return g.events, g.p
}

func (g *gen) add(typ string, d civil.Date, attrs map[string]any) string {
	g.n++
	id := g.o.Council + "-" + strconv.Itoa(g.n)
	at, dateOnly := g.at(d, 0)
	g.events = append(g.events, event.Event{ID: id, Type: typ, At: at, DateOnly: dateOnly, Attrs: attrs})
	return id
}

// fate decides whether a planted duty is met, late or missed.
func (g *gen) fate() (late, missed bool) {
	x := g.r.Float64()
	switch {
	case x < g.o.Missed:
		g.p.Missed++
		return false, true
	case x < g.o.Missed+g.o.Late:
		g.p.Late++
		return true, false
	}
	return false, false
}

func (g *gen) duties() {
	start := g.o.Issued
	end := start.AddMonths(12 * g.o.Years)
	// Board meetings about every two months, each with a DCS progress
	// report two days before (8(d)).
	for d := start.AddDays(20); d.Before(end); d = d.AddDays(55 + g.r.IntN(10)) {
		late, missed := g.fate()
		g.n++
		meeting := g.o.Council + "-" + strconv.Itoa(g.n)
		at, dateOnly := g.at(d, 0)
		g.events = append(g.events, event.Event{ID: meeting, Type: "board-meeting", At: at, DateOnly: dateOnly, Attrs: map[string]any{}})
		if missed {
			continue
		}
		when := d.AddDays(-2)
		if late {
			when = d.AddDays(1 + g.r.IntN(5))
		}
		g.add("report", when, map[string]any{"from": "dcs", "to": "improvement-board", "kind": "progress", "meeting": meeting})
	}
	// Quarterly reports by the chair (8(f)) and the adviser (Annex A 3),
	// six-monthly reviews (8(e)).
	periodic := func(every int, typ string, attrs func() map[string]any) {
		for k := 1; ; k++ {
			due := start.AddMonths(k * every)
			if due.After(end) {
				return
			}
			late, missed := g.fate()
			if missed {
				continue
			}
			when := due.AddDays(-1 - g.r.IntN(20))
			if late {
				when = due.AddDays(1 + g.r.IntN(15))
			}
			g.add(typ, when, attrs())
		}
	}
	periodic(3, "report", func() map[string]any {
		return map[string]any{"from": "board-chair", "to": "secretary-of-state", "kind": "progress"}
	})
	periodic(3, "report", func() map[string]any { return map[string]any{"from": "essex", "to": "dfe", "kind": "progress"} })
	periodic(6, "review", func() map[string]any { return map[string]any{"by": "essex"} })
	// The commissioner's report (Annex B 3), due four months in.
	if late, missed := g.fate(); !missed {
		when := start.AddMonths(3)
		if late {
			when = start.AddMonths(4).EndOfMonth().AddDays(3)
		}
		g.add("report", when, map[string]any{"from": "commissioner", "to": "secretary-of-state", "kind": "commissioner"})
	}
	// Requests and their responses (8(a)-(c), (g)-(i)).
	froms := []string{"essex", "commissioner"}
	kinds := []string{"instruction", "access", "support"}
	days := start.DaysUntil(end)
	for i, n := 0, g.o.RequestsPerMonth*12*g.o.Years; i < n; i++ {
		from, kind := froms[g.r.IntN(2)], kinds[g.r.IntN(3)]
		if from == "commissioner" && kind == "instruction" {
			kind = "access"
		}
		d := start.AddDays(g.r.IntN(days))
		req := g.add("request", d, map[string]any{"from": from, "to": g.o.Council, "kind": kind})
		outcome := "granted"
		if kind == "instruction" {
			outcome = "complied"
		}
		refused := g.r.Float64() < 0.01
		if refused {
			outcome = "refused"
		}
		late, missed := g.fate()
		if missed {
			continue
		}
		if refused {
			g.p.Refused++
		}
		when := d.AddDays(1 + g.r.IntN(5))
		if late {
			when = d.AddDays(16 + g.r.IntN(10))
		}
		g.add("response", when, map[string]any{"request": req, "outcome": outcome, "to": from})
	}
	g.p.Relevant = len(g.events)
}

// noise adds case-level events so that they make up the share o.Noise.
func (g *gen) noise() {
	if g.o.Noise <= 0 {
		return
	}
	want := int(float64(g.p.Relevant) * g.o.Noise / (1 - g.o.Noise))
	start := g.o.Issued.AddDays(-30)
	days := start.DaysUntil(g.o.Issued.AddMonths(12 * g.o.Years))
	types := []string{"visit", "assessment", "visit", "strategy-discussion"}
	for i := 0; i < want; i++ {
		d := start.AddDays(g.r.IntN(days))
		g.add(types[g.r.IntN(len(types))], d, map[string]any{
			"child":  "c" + strconv.Itoa(g.r.IntN(5000)),
			"worker": "w" + strconv.Itoa(g.r.IntN(300)),
		})
	}
	g.p.Noise = want
}

// AppendJSONL appends ev as one JSON Lines record: id, type and at first,
// then the attributes in name order.
func AppendJSONL(b []byte, ev *event.Event) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, ev.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, ev.Type)
	b = append(b, `,"at":`...)
	if ev.DateOnly {
		b = appendString(b, civil.In(ev.At, event.London()).String())
	} else {
		b = appendString(b, ev.At.Format(time.RFC3339Nano))
	}
	keys := make([]string, 0, len(ev.Attrs))
	for k := range ev.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b = append(b, ',')
		b = appendString(b, k)
		b = append(b, ':')
		switch v := ev.Attrs[k].(type) {
		case string:
			b = appendString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case float64:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		case nil:
			b = append(b, "null"...)
		default:
			panic(fmt.Sprintf("synth: attribute %s has unsupported type %T", k, v))
		}
	}
	return append(b, "}\n"...)
}

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// WriteHistory writes the history History would describe as JSON Lines to
// w, in time order, holding only the duty events in memory: the noise is
// made day by day as the file is written, so that histories of tens of
// millions of events can be generated. It returns the number of events.
func WriteHistory(w io.Writer, o Options) (int, Planted, error) {
	noise := o.Noise
	o.Noise = 0
	duties, p := History(o)
	g := &gen{o: o, r: rand.New(rand.NewPCG(o.Seed, 0xbad5eed)), loc: event.London(), n: len(duties) + 1}
	want := 0
	if noise > 0 {
		want = int(float64(p.Relevant) * noise / (1 - noise))
	}
	p.Noise = want
	start := o.Issued.AddDays(-30)
	days := start.DaysUntil(o.Issued.AddMonths(12 * max(o.Years, 1)))
	types := []string{"visit", "assessment", "visit", "strategy-discussion"}
	bw := bufio.NewWriterSize(w, 1<<20)
	var line []byte
	written, next := 0, 0
	emit := func(ev *event.Event) error {
		line = AppendJSONL(line[:0], ev)
		written++
		_, err := bw.Write(line)
		return err
	}
	attrs := map[string]any{}
	for day := 0; day < days; day++ {
		d := start.AddDays(day)
		dayAt, _ := g.at(d, 0) // duties of the day come first
		for next < len(duties) && !duties[next].At.After(dayAt) {
			if err := emit(&duties[next]); err != nil {
				return written, p, err
			}
			next++
		}
		// Spread the noise evenly, the remainder over the first days.
		n := want / days
		if day < want%days {
			n++
		}
		for i := range n {
			g.n++
			attrs["child"] = "c" + strconv.Itoa(g.r.IntN(5000))
			attrs["worker"] = "w" + strconv.Itoa(g.r.IntN(300))
			at, dateOnly := g.at(d, time.Duration(1+i%50_000)*time.Second)
			ev := event.Event{ID: o.Council + "-" + strconv.Itoa(g.n), Type: types[g.r.IntN(len(types))], At: at, DateOnly: dateOnly, Attrs: attrs}
			if err := emit(&ev); err != nil {
				return written, p, err
			}
		}
	}
	for ; next < len(duties); next++ {
		if err := emit(&duties[next]); err != nil {
			return written, p, err
		}
	}
	return written, p, bw.Flush()
}
