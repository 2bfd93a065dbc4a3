//go:build !unix

package server

import "time"

// processCPU is not measured here: the benchmark leaves the CPU line out.
func processCPU() time.Duration { return -1 }
