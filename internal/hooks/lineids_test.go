package hooks_test

import (
	"testing"

	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
)

// LineIDs is set with the type cmd/directions asserts.
func TestLineIDsSet(t *testing.T) {
	if _, ok := hooks.LineIDs.(func(*event.Reader)); !ok {
		t.Errorf("LineIDs is %T", hooks.LineIDs)
	}
}
