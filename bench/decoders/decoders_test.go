package decoders

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

// Each decoder turns every line into an event.Event with its attributes,
// the work the evaluator needs; times are parsed the same way by all.

func benchData(b *testing.B) ([]byte, int) {
	evs, _ := synth.History(synth.Options{Seed: 1, Council: "bench", Issued: civil.New(2018, 1, 25), Years: 10, Noise: 0.9, RequestsPerMonth: 40})
	var buf []byte
	for i := range evs {
		buf = synth.AppendJSONL(buf, &evs[i])
	}
	path := filepath.Join(b.TempDir(), "history.jsonl")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data, len(evs)
}

func run(b *testing.B, decode func([]byte) (int, error)) {
	data, n := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("decoded %d events, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// at parses a time, skipping a repeat of the last one, as event.Reader
// does, so that the decoders are compared and not the time parsing.
var lastAt string

func at(s string) error {
	if s == lastAt {
		return nil
	}
	_, _, err := event.ParseTime(s, event.London())
	lastAt = s
	return err
}

// encoding/json, one Unmarshal into a map per line (as event.ParseJSONL).
func BenchmarkEncodingJSON(b *testing.B) {
	run(b, func(data []byte) (int, error) {
		sc := bufio.NewScanner(bytes.NewReader(data))
		n := 0
		for sc.Scan() {
			var raw map[string]any
			d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			d.UseNumber()
			if err := d.Decode(&raw); err != nil {
				return n, err
			}
			ev := event.Event{Attrs: make(map[string]any, len(raw))}
			for k, v := range raw {
				switch k {
				case "id":
					ev.ID, _ = v.(string)
				case "type":
					ev.Type, _ = v.(string)
				case "at":
					if err := at(v.(string)); err != nil {
						return n, err
					}
				default:
					ev.Attrs[k] = v
				}
			}
			n++
		}
		return n, sc.Err()
	})
}

// go-json-experiment/json's jsontext, through event.Reader (the choice).
func BenchmarkJSONText(b *testing.B) {
	run(b, func(data []byte) (int, error) {
		r := event.NewReader("h.jsonl", bytes.NewReader(data), event.Options{})
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			if err != nil {
				return n, err
			}
			n++
		}
	})
}

// valyala/fastjson, a reused parser visiting each object.
func BenchmarkFastJSON(b *testing.B) {
	run(b, func(data []byte) (int, error) {
		var p fastjson.Parser
		sc := bufio.NewScanner(bytes.NewReader(data))
		ev := event.Event{Attrs: map[string]any{}}
		n := 0
		for sc.Scan() {
			v, err := p.ParseBytes(sc.Bytes())
			if err != nil {
				return n, err
			}
			o, err := v.Object()
			if err != nil {
				return n, err
			}
			clear(ev.Attrs)
			var when string
			o.Visit(func(k []byte, v *fastjson.Value) {
				switch string(k) {
				case "id":
					ev.ID = string(v.GetStringBytes())
				case "type":
					ev.Type = string(v.GetStringBytes())
				case "at":
					when = string(v.GetStringBytes())
				default:
					switch v.Type() {
					case fastjson.TypeString:
						ev.Attrs[string(k)] = string(v.GetStringBytes())
					case fastjson.TypeNumber:
						i, err := strconv.ParseInt(v.String(), 10, 64)
						if err == nil {
							ev.Attrs[string(k)] = i
						} else {
							ev.Attrs[string(k)] = v.GetFloat64()
						}
					default:
						ev.Attrs[string(k)] = v.String()
					}
				}
			})
			if err := at(when); err != nil {
				return n, err
			}
			n++
		}
		return n, sc.Err()
	})
}
