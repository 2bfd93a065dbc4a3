package main

import (
	"io"

	"github.com/dfe-tools/directions/internal/checkjson"
)

// The CSV tables of a tree of councils are written by checkjson, which
// the server's national summary shares.

var (
	summaryHeader  = checkjson.SummaryHeader
	findingsHeader = checkjson.FindingsHeader
)

type safeCSV = checkjson.SafeCSV

func csvCouncils(results []councilResult) []checkjson.CSVCouncil {
	cs := make([]checkjson.CSVCouncil, len(results))
	for i, r := range results {
		cs[i] = checkjson.CSVCouncil{Row: r.row(), Res: r.Res}
		if r.WS != nil {
			cs[i].Loc = r.WS.Location
		}
	}
	return cs
}

// writeBatchCSVSummary writes the per-council summary table.
func writeBatchCSVSummary(w io.Writer, results []councilResult) error {
	return checkjson.WriteCSVSummary(w, csvCouncils(results))
}

// writeBatchCSV writes the findings table.
func writeBatchCSV(w io.Writer, results []councilResult) error {
	return checkjson.WriteCSV(w, csvCouncils(results))
}
