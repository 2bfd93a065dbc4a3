//go:build !unix

package cputime

import "time"

// Process is -1 where the process's CPU time is not read (not a Unix
// system): callers report wall time only.
func Process() time.Duration { return -1 }
