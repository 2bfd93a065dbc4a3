package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two requests made at the same instant and one response that does not
// name its request (README, Semantics rule 4). By hand: both requests
// are made on 1 Mar 2018 and due 7 days later, 8 Mar; resp-1 on 5 Mar
// satisfies both, and input order gives it to the request listed first
// (met, 3 days early); the other is missed as of 31 Mar. Both findings
// name the tie, whichever order the file lists the requests in, and each
// request's finding is tied either way.
const tieDir = `id: tie-2018
title: Ties
council: barnet
issued_by: secretary-of-state
issued: 2018-01-10
parties:
  barnet: {name: Barnet}
  secretary-of-state: {name: SoS}
obligations:
  - id: any-response
    clause: "1"
    holder: barnet
    summary: Answer each request within 7 days; any response answers.
    source: none (test)
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "response"
`

func TestCheckShowsTiedSimultaneousRequests(t *testing.T) {
	s := outputSchema(t, "check-output.schema.json")
	lines := []string{
		`{"id":"req-a","type":"request","at":"2018-03-01"}`,
		`{"id":"req-b","type":"request","at":"2018-03-01"}`,
		`{"id":"resp-1","type":"response","at":"2018-03-05"}`,
	}
	for _, order := range [][]int{{0, 1, 2}, {1, 0, 2}, {2, 1, 0}} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), []byte(tieDir), 0o644))
		hist := ""
		for _, i := range order {
			hist += lines[i] + "\n"
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), []byte(hist), 0o644))
		out, errs, code := runCLI("check", "--as-of", "2018-03-31", "--format", "json", dir)
		require.Equal(t, exitBreaches, code, errs)
		validateOutput(t, s, out)
		var doc struct {
			Findings []struct {
				Trigger  struct{ ID string }
				Status   string
				TiedWith []string `json:"tied_with"`
			}
			Summary struct{ Met, Missed, Breaches int }
		}
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		require.Len(t, doc.Findings, 2)
		first := "req-a" // the request listed first
		for _, i := range order {
			if i < 2 {
				first = []string{"req-a", "req-b"}[i]
				break
			}
		}
		for _, f := range doc.Findings {
			other := map[string]string{"req-a": "req-b", "req-b": "req-a"}[f.Trigger.ID]
			assert.Equal(t, []string{other}, f.TiedWith, f.Trigger.ID)
			want := "missed"
			if f.Trigger.ID == first {
				want = "met"
			}
			assert.Equal(t, want, f.Status, "%s, %s listed first", f.Trigger.ID, first)
		}
		assert.Equal(t, 1, doc.Summary.Met)
		assert.Equal(t, 1, doc.Summary.Missed)
		assert.Equal(t, 1, doc.Summary.Breaches, "one of the two requests went unanswered, whichever it was")

		text, _, _ := runCLI("check", "--as-of", "2018-03-31", dir)
		assert.Contains(t, text, "Simultaneous triggers: 2 findings tied")
		assert.Contains(t, text, "tie: resp-1")
	}
}
