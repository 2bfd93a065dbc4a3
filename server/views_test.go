package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportPage(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{Import: true})
	tok := h.token(RoleCouncil, "casterbridge")
	req, _ := http.NewRequest("GET", h.http.URL+"/v1/councils/casterbridge/report?as_of=2018-09-30", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := h.http.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	code, body := h.do("GET", "/v1/councils/casterbridge/report?as_of=2018-09-30", tok, "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, string(body), "casterbridge-2018-01")
	assert.Contains(t, string(body), "<svg")
	code, _ = h.do("GET", "/v1/councils/ambridge/report", tok, "", "")
	assert.Equal(t, http.StatusNotFound, code)
}

// TestCalendarFeedUpdatesInPlace: a deadline keeps its UID as it goes from
// overdue to met, so a subscribed calendar updates the entry.
func TestCalendarFeedUpdatesInPlace(t *testing.T) {
	dir := copyTree(t, "examples/national")
	require.NoError(t, os.Remove(filepath.Join(dir, "ambridge", "history.yaml")))
	// Ambridge's first 8(f) report was due 1 June 2018; it is 10 June.
	now := time.Date(2018, 6, 10, 12, 0, 0, 0, mustLondon(t))
	h := start(t, dir, nil, Config{Now: func() time.Time { return now }})
	tok := h.token(RoleCouncil, "ambridge")
	feed := "/v1/councils/ambridge/calendar.ics?from=2018-05-01&until=2018-06-30&token=" + tok
	code, body := h.do("GET", feed, "", "", "")
	require.Equal(t, 200, code, string(body))
	entry := regexp.MustCompile(`(?s)BEGIN:VEVENT\r\nUID:([^\r]+)\r\n.*?SUMMARY:([^\r]*8\(f\) chair-quarterly-report[^\r]*)\r\n`)
	m := entry.FindStringSubmatch(string(body))
	require.NotNil(t, m, string(body))
	uid, summary := m[1], m[2]
	assert.True(t, strings.HasPrefix(summary, "OVERDUE:"), summary)

	code, _ = h.do("POST", "/v1/councils/ambridge/events", tok, jsonl, `{"id": "chair-q1", "type": "report", "at": "2018-06-05", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	require.Equal(t, 200, code)
	code, body = h.do("GET", feed, "", "", "")
	require.Equal(t, 200, code)
	m = entry.FindStringSubmatch(string(body))
	require.NotNil(t, m, string(body))
	assert.Equal(t, uid, m[1], "the same deadline keeps its UID")
	assert.True(t, strings.HasPrefix(m[2], "Late:"), m[2]) // due 1 June, sent 5 June

	// Only the feed takes the token in the URL.
	code, _ = h.do("GET", "/v1/councils/ambridge/findings?token="+tok, "", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = h.do("GET", "/v1/councils/ambridge/calendar.ics?from=2018-13-01", tok, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
}

// TestExplain: the server's explain is the CLI's, over the stored events;
// an event's position is where it arrived.
func TestExplain(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	tok := h.token(RoleCouncil, "borsetshire")
	code, body := h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl, "\n"+`{"id": "chair-q1", "type": "report", "at": "2018-05-21", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	require.Equal(t, 200, code, string(body))
	code, body = h.do("GET", "/v1/councils/borsetshire/explain?obligation=chair-quarterly-report&as_of=2018-09-30", tok, "", "")
	require.Equal(t, 200, code, string(body))
	var ex struct {
		Obligations []struct {
			ID        string
			Instances []struct {
				Number       int
				Status       string
				Due          string
				DischargedBy *struct{ ID string } `json:"discharged_by"`
				DaysLate     int                  `json:"days_late"`
			}
			Candidates []struct{ Event, Where string }
		}
	}
	require.NoError(t, json.Unmarshal(body, &ex))
	require.Len(t, ex.Obligations, 1)
	o := ex.Obligations[0]
	// Borsetshire's direction of 15 February 2018: the first quarterly
	// report is due 3 months on, 15 May 2018; sent 21 May, 6 days late.
	require.NotEmpty(t, o.Instances)
	assert.Equal(t, "2018-05-15", o.Instances[0].Due)
	assert.Equal(t, "late", o.Instances[0].Status)
	assert.Equal(t, 6, o.Instances[0].DaysLate)
	require.NotEmpty(t, o.Candidates)
	assert.Regexp(t, `^batch b[0-9a-f-]+:2:1$`, o.Candidates[0].Where, "the event's line and column in its request")

	code, body = h.do("GET", "/v1/councils/borsetshire/explain?obligation=chair-quarterly-report&as_of=2018-09-30&format=text", tok, "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, string(body), "chair-quarterly-report")
	code, body = h.do("GET", "/v1/councils/borsetshire/explain?obligation=nope", tok, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "borsetshire-2018-02/chair-quarterly-report")

	// max_tested as `explain --max-tested`: with 1, the first instance
	// lists the event that met it and one that did not, and counts the
	// others that did not; with 0 it lists them all. Two reports of the
	// Chair to the Board (not to the Secretary of State) come first.
	code, body = h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl, `{"id": "chair-b1", "type": "report", "at": "2018-03-20", "from": "board-chair", "to": "improvement-board", "kind": "progress"}`+"\n"+`{"id": "chair-b2", "type": "report", "at": "2018-04-20", "from": "board-chair", "to": "improvement-board", "kind": "progress"}`)
	require.Equal(t, 200, code, string(body))
	considered := func(query string) (listed, counted int) {
		t.Helper()
		code, body := h.do("GET", "/v1/councils/borsetshire/explain?obligation=chair-quarterly-report&as_of=2018-09-30"+query, tok, "", "")
		require.Equal(t, 200, code, string(body))
		var ex struct {
			Obligations []struct {
				Instances []struct {
					Considered []json.RawMessage    `json:"considered"`
					NotListed  *struct{ Count int } `json:"not_listed"`
				}
			}
		}
		require.NoError(t, json.Unmarshal(body, &ex))
		in := ex.Obligations[0].Instances[0]
		if in.NotListed != nil {
			counted = in.NotListed.Count
		}
		return len(in.Considered), counted
	}
	all, none := considered("&max_tested=0")
	assert.Zero(t, none)
	require.Greater(t, all, 2, "the test needs an instance with two or more events that did not meet it")
	listed, counted := considered("&max_tested=1")
	assert.Equal(t, 2, listed)
	assert.Equal(t, all-2, counted)
	code, body = h.do("GET", "/v1/councils/borsetshire/explain?obligation=chair-quarterly-report&max_tested=-1", tok, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "max_tested must be a whole number")
	code, body = h.do("GET", "/v1/councils/borsetshire/explain?obligation=chair-quarterly-report&max_tested=99999999999999999999", tok, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "max_tested 99999999999999999999 is out of range")
}

// TestWholeNumberParameters: ?remind= (the calendar feed) and ?max_tested=
// (explain) are whole numbers in a range; a value outside it is a 400
// whose body names the parameter and the valid range. The bodies are
// pinned byte for byte.
func TestWholeNumberParameters(t *testing.T) {
	now := time.Date(2018, 9, 1, 12, 0, 0, 0, mustLondon(t))
	h := start(t, copyTree(t, "examples/national"), nil, Config{Now: func() time.Time { return now }})
	tok := h.token(RoleCouncil, "borsetshire")
	// The reminder is 7 days before a deadline unless ?remind= says.
	for query, want := range map[string]string{"": "In 7 days: ", "?remind=3": "In 3 days: "} {
		code, body := h.do("GET", "/v1/councils/borsetshire/calendar.ics"+query, tok, "", "")
		require.Equal(t, http.StatusOK, code, string(body))
		assert.Contains(t, string(body), want, query)
	}
	for _, c := range []struct {
		query, body string
	}{
		{"calendar.ics?remind=0", ""},
		{"calendar.ics?remind=366", ""},
		{"calendar.ics?remind=%2B3", ""},
		{"calendar.ics?remind=-1", `{"error":"remind: want a number of days from 0 to 366, not \"-1\""}`},
		{"calendar.ics?remind=367", `{"error":"remind: want a number of days from 0 to 366, not \"367\""}`},
		{"calendar.ics?remind=x", `{"error":"remind: want a number of days from 0 to 366, not \"x\""}`},
		{"calendar.ics?remind=1.5", `{"error":"remind: want a number of days from 0 to 366, not \"1.5\""}`},
		{"calendar.ics?remind=99999999999999999999", `{"error":"remind: want a number of days from 0 to 366, not \"99999999999999999999\""}`},
		{"explain?obligation=chair-quarterly-report&max_tested=0", ""},
		{"explain?obligation=chair-quarterly-report&max_tested=9223372036854775807", ""},
		{"explain?obligation=chair-quarterly-report&max_tested=-1", `{"error":"max_tested must be a whole number, 0 (list all) or more, not \"-1\""}`},
		{"explain?obligation=chair-quarterly-report&max_tested=x", `{"error":"max_tested must be a whole number, 0 (list all) or more, not \"x\""}`},
		{"explain?obligation=chair-quarterly-report&max_tested=9223372036854775808", `{"error":"max_tested 9223372036854775808 is out of range: give 0 (list all) or a number up to 9223372036854775807"}`},
		{"explain?obligation=chair-quarterly-report&max_tested=-99999999999999999999", `{"error":"max_tested -99999999999999999999 is out of range: give 0 (list all) or a number up to 9223372036854775807"}`},
	} {
		code, body := h.do("GET", "/v1/councils/borsetshire/"+c.query, tok, "", "")
		if c.body == "" {
			assert.Equal(t, http.StatusOK, code, "%s: %s", c.query, body)
			continue
		}
		assert.Equal(t, http.StatusBadRequest, code, c.query)
		assert.Equal(t, c.body+"\n", string(body), c.query)
	}
}
