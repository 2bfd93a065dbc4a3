//go:build !unix

package evaluator

import "time"

// processCPU is not measured here: the CPU metrics are left out.
func processCPU() time.Duration { return -1 }
