package headless

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Browser finds a Chromium or Chrome binary ($CHROMIUM first), or skips the
// test, saying what it would have checked (what).
func Browser(t testing.TB, what string) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skipf("no chromium binary found (install Debian's chromium package, as .ci/run does, or set CHROMIUM): skipping the browser test of %s", what)
	return ""
}

// Run loads url in the headless browser bin with the extra flags (e.g.
// --dump-dom, --window-size) and returns its stdout and stderr. It fails
// the test if the browser fails.
//
// Chromium itself now and then dies of a signal on a loaded machine (a
// segmentation fault before it renders anything); that says nothing about
// the page, so such a crash is retried, at most twice. A page that renders
// wrongly fails the caller's assertions, never this loop, and a browser that
// exits with a status is not retried.
func Run(t testing.TB, bin, url string, flags ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0",
	}, flags...)
	args = append(args, url)
	var out, errb strings.Builder
	var err error
	for try := 0; try < 3; try++ {
		out.Reset()
		errb.Reset()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err = cmd.Run()
		var exit *exec.ExitError
		if err == nil || !errors.As(err, &exit) || exit.ProcessState.Exited() || ctx.Err() != nil {
			break
		}
		t.Logf("chromium died (%v); trying again", err)
	}
	if err != nil {
		t.Fatalf("chromium failed: %v\n%s", err, errb.String())
	}
	return out.String(), errb.String()
}

// ConsoleLines returns what the page logged: Chromium writes each console
// message, and each uncaught exception or CSP violation, as a CONSOLE line
// on stderr.
func ConsoleLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			out = append(out, l)
		}
	}
	return out
}
