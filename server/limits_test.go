package server

import (
	"context"
	"io"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// Config.Load bounds reading the council folders, as the CLI's limit
// flags do for directions serve: under a small MaxBytes the directions
// are refused with a message naming the limit, and with the defaults the
// same folder loads.
func TestConfigLoadLimits(t *testing.T) {
	dir := copyTree(t, "examples/barnet")
	cfg := Config{Dir: dir, Store: openTestStore(t, "store"), Log: log.New(io.Discard, "", 0),
		Load: direction.Options{Limits: direction.Limits{MaxBytes: 512}}}
	_, err := New(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "over the limit of 512 bytes: split it into smaller files, or raise Limits.MaxBytes")

	cfg.Load = direction.Options{}
	srv, err := New(context.Background(), cfg)
	require.NoError(t, err)
	srv.Close()
}
