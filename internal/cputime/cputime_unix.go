//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system time the process has used, or -1 where
// it cannot be read.
func Process() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return -1
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
