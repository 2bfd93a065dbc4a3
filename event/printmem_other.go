//go:build !linux

package event

import "sync/atomic"

var printRegions atomic.Int64

// mapPrintRegion maps nothing off Linux: IDPrints' blocks are made on
// the Go heap (see printMemory).
func mapPrintRegion(int) []byte { return nil }

func unmapPrintRegion([]byte) {}
