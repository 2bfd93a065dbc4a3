package server

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
)

// knownDays refuses events whose day is known only to a month or a range
// ("2018-06"): the service watches deadlines live with a Monitor, which
// needs each event's day, and canonical keeps one day for each event, so
// storing such an event would turn "some day in June" into 1 June.
func knownDays(evs []event.Event, loc *time.Location) error {
	var errs diag.List
	for i := range evs {
		if evs[i].Uncertain() {
			errs.Add(evs[i].Pos, "at", "event %q is dated only to %s; the service needs the day each event happened (send it once the day is known, or weigh such a history with directions check)", evs[i].ID, evs[i].Days(loc).Long())
		}
	}
	return errs.Err()
}

// canonical writes ev as the one JSON object the store keeps for it: keys
// sorted, at as given (a date stays a date; a time keeps its offset), and
// numbers written so that reading the line back gives the same types (a
// float that happens to be whole keeps its ".0", else it would come back
// an integer). Two sends of the same event give the same line, so
// comparing lines is comparing events.
func canonical(ev *event.Event, loc *time.Location) string {
	var b strings.Builder
	keys := make([]string, 0, len(ev.Attrs)+3)
	for k := range ev.Attrs {
		keys = append(keys, k)
	}
	keys = append(keys, "id", "type", "at")
	slices.Sort(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, k)
		b.WriteByte(':')
		switch k {
		case "id":
			writeString(&b, ev.ID)
		case "type":
			writeString(&b, ev.Type)
		case "at":
			if ev.DateOnly {
				writeString(&b, civil.In(ev.At, loc).String())
			} else {
				writeString(&b, ev.At.Format(time.RFC3339Nano))
			}
		default:
			writeValue(&b, ev.Attrs[k])
		}
	}
	b.WriteByte('}')
	return b.String()
}

func writeString(b *strings.Builder, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

func writeValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		writeString(b, x)
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") && !math.IsInf(x, 0) && !math.IsNaN(x) {
			s += ".0"
		}
		b.WriteString(s)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			writeValue(b, x[k])
		}
		b.WriteByte('}')
	default:
		// The readers give only the types above; anything else is a bug
		// upstream, kept visible rather than dropped.
		q, _ := json.Marshal(x)
		b.Write(q)
	}
}
