// Package slimzone loads time zones from the zone database Go embeds
// (time/tzdata, which package event imports), for tests: those are the
// rules a program runs with on a host with no zone files of its own
// (Windows, a scratch container). The data is "slim": past a zone's last
// listed change its rules come from a rule string, and Time.ZoneBounds
// then gives exact bounds only near a daylight saving change, otherwise
// the year's start and end. Code that trusts ZoneBounds must be tested
// under these rules as well as the host's.
package slimzone

import (
	"archive/zip"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Load returns the zone name as Go's embedded database has it, read from
// the Go installation's lib/time/zoneinfo.zip, the file time/tzdata
// embeds (found with go env GOROOT: tests run under the go command).
func Load(name string) (*time.Location, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, err
	}
	zr, err := zip.OpenReader(filepath.Join(strings.TrimSpace(string(out)), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return time.LoadLocationFromTZData(name, data)
}
