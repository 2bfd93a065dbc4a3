//go:build unix

package event_test

import (
	"syscall"
	"time"
)

// processCPU is the user and system time the process has used: on a
// shared machine, steadier than the wall time benchmarks report.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return -1
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
