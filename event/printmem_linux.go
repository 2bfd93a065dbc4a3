package event

import (
	"sync/atomic"
	"syscall"
)

// printRegions counts the regions mapped and not yet unmapped, for tests.
var printRegions atomic.Int64

// mapPrintRegion maps size bytes of zeroed memory for IDPrints, asking
// for transparent huge pages (see printMemory), or returns nil.
func mapPrintRegion(size int) []byte {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // refused: ordinary pages
	printRegions.Add(1)
	return b
}

func unmapPrintRegion(b []byte) {
	if syscall.Munmap(b) == nil {
		printRegions.Add(-1)
	}
}
