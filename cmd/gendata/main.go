package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gendata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write into (required; created if missing)")
	councils := fs.Int("councils", 10, "number of councils")
	years := fs.Int("years", 10, "years of history per council")
	noise := fs.Float64("noise", 0.9, "share of events that are case-level noise (0 to 0.999)")
	requests := fs.Int("requests", 2, "requests a month per council (each answered by a response)")
	late := fs.Float64("late", 0.05, "share of duties planted late")
	missed := fs.Float64("missed", 0.03, "share of duties planted missed")
	seed := fs.Uint64("seed", 1, "random seed")
	dates := fs.Bool("dates", false, "write bare dates (2018-04-25) instead of RFC 3339 times with the UTC offset (2018-04-25T09:00:00+01:00), as exports write them")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case *out == "":
		fmt.Fprintln(stderr, "gendata: -out is required")
		return 2
	case *councils < 1 || *years < 1 || *requests < 1:
		fmt.Fprintln(stderr, "gendata: -councils, -years and -requests must be at least 1")
		return 2
	case *noise < 0 || *noise >= 1:
		fmt.Fprintln(stderr, "gendata: -noise must be at least 0 and below 1")
		return 2
	case *late < 0 || *missed < 0 || *late+*missed > 1:
		fmt.Fprintln(stderr, "gendata: -late and -missed must be shares that add up to at most 1")
		return 2
	}
	var total synth.Planted
	events := 0
	for c := range *councils {
		name := fmt.Sprintf("council-%03d", c+1)
		// Directions issued on different days of 2018, so that due dates
		// differ from council to council.
		issued := civil.New(2018, time.January, 10).AddDays((c * 37) % 330)
		o := synth.Options{Seed: *seed*1_000_003 + uint64(c), Council: name, Issued: issued, Years: *years, Noise: *noise,
			RequestsPerMonth: *requests, Late: orNone(*late), Missed: orNone(*missed), Times: !*dates}
		n, p, err := writeCouncil(filepath.Join(*out, name), o)
		if err != nil {
			fmt.Fprintf(stderr, "gendata: %v\n", err)
			return 1
		}
		events += n
		total.Relevant += p.Relevant
		total.Noise += p.Noise
		total.Late += p.Late
		total.Missed += p.Missed
		total.Refused += p.Refused
	}
	fmt.Fprintf(stdout, "wrote %d councils, %d events (%d duty events, %d noise); planted %d late, %d missed, %d refusals\n",
		*councils, events, total.Relevant, total.Noise, total.Late, total.Missed, total.Refused)
	return 0
}

// orNone maps a share of 0 to synth's "none" (a negative share).
func orNone(x float64) float64 {
	if x == 0 {
		return -1
	}
	return x
}

func writeCouncil(dir string, o synth.Options) (int, synth.Planted, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, synth.Planted{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction(o.Council, o.Issued), 0o644); err != nil {
		return 0, synth.Planted{}, err
	}
	f, err := os.Create(filepath.Join(dir, "history.jsonl"))
	if err != nil {
		return 0, synth.Planted{}, err
	}
	n, planted, err := synth.WriteHistory(f, o)
	if err != nil {
		f.Close()
		return n, planted, err
	}
	return n, planted, f.Close()
}
