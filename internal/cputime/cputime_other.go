//go:build !unix

package cputime

import "time"

// Process is -1 where the process's CPU time is not read (not a Unix
// system): callers report wall time only.
func Process() time.Duration { return -1 }

// MinorFaults is -1 where page faults are not read (not a Unix system).
func MinorFaults() int64 { return -1 }
