package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/report"
)

// buildCLI builds cmd/directions once per test binary.
var buildCLI = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "directions-serve-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "directions")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/directions").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is a `directions serve` subprocess.
type proc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
	out  bytes.Buffer
}

func startProc(t *testing.T, bin, db, dir string) *proc {
	t.Helper()
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--import=false", dir)
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	p.cmd.Stderr = &p.out
	require.NoError(t, p.cmd.Start())
	sc := bufio.NewScanner(stdout)
	urlc := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "directions serve: listening on "); ok {
				urlc <- strings.Fields(u)[0]
			}
		}
		io.Copy(io.Discard, stdout)
		p.cmd.Wait()
		close(p.done)
	}()
	select {
	case p.url = <-urlc:
	case <-p.done:
		t.Fatalf("directions serve exited: %s", p.out.String())
	case <-time.After(60 * time.Second):
		p.cmd.Process.Kill()
		t.Fatal("directions serve did not start")
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// randomEvent makes an event of Borsetshire's vocabulary at a random day
// of 2018-2019, so that batches arrive out of time order.
func randomEvent(r *rand.Rand, id string) map[string]any {
	return eventAt(r, id, time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(600)))
}

// eventAt makes a random event of Borsetshire's vocabulary on day.
func eventAt(r *rand.Rand, id string, day time.Time) map[string]any {
	at := day.Format("2006-01-02")
	switch r.IntN(5) {
	case 0:
		return map[string]any{"id": id, "type": "board-meeting", "at": at}
	case 1:
		return map[string]any{"id": id, "type": "report", "at": at, "from": "dcs", "to": "improvement-board", "kind": "progress", "meeting": fmt.Sprintf("ev-%d", r.IntN(400))}
	case 2:
		return map[string]any{"id": id, "type": "report", "at": at, "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}
	case 3:
		return map[string]any{"id": id, "type": "review", "at": at, "by": "loamshire"}
	}
	return map[string]any{"id": id, "type": "report", "at": at, "from": "loamshire", "to": "dfe", "kind": "progress"}
}

// TestCrashLosesNothingAcknowledged SIGKILLs a server in the middle of a
// stream of ingest requests from several clients, restarts it on the same
// SQLite file, and checks that every acknowledged batch is stored whole,
// no batch is stored in part, and the findings are what `directions check`
// gives over the stored events.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs it as a subprocess; skipped with -short")
	}
	bin, err := buildCLI()
	require.NoError(t, err)
	dir := copyTree(t, "examples/national")
	db := testDSN(t, "crash")
	out, err := exec.Command(bin, "serve", "token", "create", "--db", db, "--role", "council", "--council", "borsetshire").Output()
	require.NoError(t, err)
	token := strings.TrimSpace(string(out))
	require.True(t, strings.HasPrefix(token, "dirs_"), token)

	p := startProc(t, bin, db, dir)
	type batch struct {
		ids  []string
		body string
	}
	var mu sync.Mutex
	var acked, sent []batch
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 13))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				var b batch
				var buf bytes.Buffer
				for i := range 1 + r.IntN(30) {
					id := fmt.Sprintf("w%d-b%d-e%d", w, n, i)
					line, _ := json.Marshal(randomEvent(r, id))
					buf.Write(line)
					buf.WriteByte('\n')
					b.ids = append(b.ids, id)
				}
				b.body = buf.String()
				mu.Lock()
				sent = append(sent, b)
				mu.Unlock()
				req, _ := http.NewRequest("POST", p.url+"/v1/councils/borsetshire/events", strings.NewReader(b.body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", jsonl)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					mu.Lock()
					acked = append(acked, b)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill once a good number of batches have been acknowledged, while the
	// clients are still sending.
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 40 }, 60*time.Second, 5*time.Millisecond)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
	close(stop)
	wg.Wait()
	t.Logf("%d batches sent, %d acknowledged before the kill", len(sent), len(acked))

	p2 := startProc(t, bin, db, dir)
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", p2.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode, string(data))
		return data
	}
	stored := get("/v1/councils/borsetshire/events")
	have := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(stored)), "\n") {
		var ev struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(line), &ev))
		have[ev.ID] = true
	}
	for _, b := range acked {
		for _, id := range b.ids {
			require.True(t, have[id], "acknowledged event %s is lost", id)
		}
	}
	for _, b := range sent {
		n := 0
		for _, id := range b.ids {
			if have[id] {
				n++
			}
		}
		require.True(t, n == 0 || n == len(b.ids), "batch %s... is stored in part (%d of %d)", b.ids[0], n, len(b.ids))
	}

	// The findings equal a batch check over the same events.
	var got report.Check
	require.NoError(t, json.Unmarshal(get("/v1/councils/borsetshire/findings?as_of=2019-12-31"), &got))
	// The direction names ../../vocabulary.yaml: the same layout as dir's.
	top := t.TempDir()
	check := filepath.Join(top, "national", "borsetshire")
	require.NoError(t, os.MkdirAll(check, 0o755))
	vocab, err := os.ReadFile(filepath.Join(dir, "..", "vocabulary.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(top, "vocabulary.yaml"), vocab, 0o644))
	direction, err := os.ReadFile(filepath.Join(dir, "borsetshire", "direction-2018-02.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(check, "direction.yaml"), direction, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(check, "events.jsonl"), stored, 0o644))
	cmd := exec.Command(bin, "check", "--format", "json", "--as-of", "2019-12-31", check)
	out, _ = cmd.Output() // exit 1: breaches
	var want report.Check
	require.NoError(t, json.Unmarshal(out, &want), string(out))
	assert.Equal(t, want.Findings, got.Findings)
	assert.Equal(t, want.Summary, got.Summary)
	assert.Equal(t, want.Events, got.Events)
	assert.Equal(t, len(have), got.Events.Read)
	assert.Greater(t, got.Summary.Findings, 10)
}

// TestSIGTERMShutsDownGracefully sends SIGTERM while clients stream
// batches: the server stops accepting, answers what it has started, and
// exits 0; every batch it acknowledged is there after a restart.
func TestSIGTERMShutsDownGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs it as a subprocess; skipped with -short")
	}
	bin, err := buildCLI()
	require.NoError(t, err)
	dir := copyTree(t, "examples/national")
	db := testDSN(t, "term")
	out, err := exec.Command(bin, "serve", "token", "create", "--db", db, "--role", "council", "--council", "ambridge").Output()
	require.NoError(t, err)
	token := strings.TrimSpace(string(out))
	p := startProc(t, bin, db, dir)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				id := fmt.Sprintf("t%d-%d", w, n)
				req, _ := http.NewRequest("POST", p.url+"/v1/councils/ambridge/events", strings.NewReader(`{"id": "`+id+`", "type": "review", "at": "2018-08-24", "by": "felpersham"}`))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", jsonl)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 }, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("no exit within the shutdown timeout")
	}
	wg.Wait()
	assert.Equal(t, 0, p.cmd.ProcessState.ExitCode(), p.out.String())

	p2 := startProc(t, bin, db, dir)
	req, _ := http.NewRequest("GET", p2.url+"/v1/councils/ambridge/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, id := range acked {
		assert.Contains(t, string(data), `"id":"`+id+`"`)
	}
}
