//go:build !unix

package event_test

import "time"

func processCPU() time.Duration { return -1 }
