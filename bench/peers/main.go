package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"cel.dev/cel-go/cel"
	"github.com/go-json-experiment/json/jsontext"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: peers floor|naive|cel FILE.jsonl")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	var n, matched int
	switch os.Args[1] {
	case "floor":
		n, err = floor(f)
	case "naive":
		n, err = naive(f, nil)
	case "cel":
		n, matched, err = withCEL(f)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("%s: %d events, %d matched\n", os.Args[1], n, matched)
}

// floor tokenises every line with jsontext and keeps nothing.
func floor(r io.Reader) (int, error) {
	dec := jsontext.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	n := 0
	for {
		if _, err := dec.ReadToken(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		if dec.StackDepth() == 0 {
			n++
		}
	}
}

// naive decodes each line into a map with encoding/json and parses its at,
// handing the map to each.
func naive(r io.Reader, each func(map[string]any) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return n, fmt.Errorf("line %d: %v", n+1, err)
		}
		at, _ := m["at"].(string)
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, at); err != nil {
				return n, fmt.Errorf("line %d: %v", n+1, err)
			}
		}
		m["at"] = t
		n++
		if each != nil {
			if err := each(m); err != nil {
				return n, err
			}
		}
	}
	return n, sc.Err()
}

// withCEL evaluates two clauses on every event.
func withCEL(r io.Reader) (int, int, error) {
	env, err := cel.NewEnv(cel.Variable("event", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return 0, 0, err
	}
	var progs []cel.Program
	for _, src := range []string{
		`event.type == "response" && event.outcome == "refused"`,
		`event.type == "report" && event.from == "board-chair" && event.to == "secretary-of-state"`,
	} {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			return 0, 0, iss.Err()
		}
		p, err := env.Program(ast)
		if err != nil {
			return 0, 0, err
		}
		progs = append(progs, p)
	}
	matched := 0
	n, err := naive(r, func(m map[string]any) error {
		act := map[string]any{"event": m}
		for _, p := range progs {
			v, _, err := p.Eval(act)
			if err != nil {
				continue // a missing attribute: no match, as in the engine
			}
			if b, ok := v.Value().(bool); ok && b {
				matched++
			}
		}
		return nil
	})
	return n, matched, err
}
