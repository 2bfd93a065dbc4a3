package event_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dfe-tools/directions/event"
)

// benchHistories returns the same n events as CSV and as JSON Lines, so
// that the CSV reader's cost can be read as a ratio to an existing one.
func benchHistories(n int) (csvSrc, jsonlSrc []byte) {
	var c, j strings.Builder
	c.WriteString("id,type,at,from,to,kind,meeting\n")
	for i := range n {
		day := fmt.Sprintf("2018-%02d-%02d", 1+i%12, 1+i%28)
		fmt.Fprintf(&c, "r-%d,report,%s,dcs,improvement-board,progress,bm-%d\n", i, day, i)
		fmt.Fprintf(&j, `{"id":"r-%d","type":"report","at":"%s","from":"dcs","to":"improvement-board","kind":"progress","meeting":"bm-%d"}`+"\n", i, day, i)
	}
	return []byte(c.String()), []byte(j.String())
}

func BenchmarkParseCSV1000(b *testing.B) {
	src, _ := benchHistories(1000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := event.ParseCSV("h.csv", src, event.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSONL1000(b *testing.B) {
	_, src := benchHistories(1000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := event.ParseJSONL("h.jsonl", src, event.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
