package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dfe-tools/directions/evaluator"
)

// FindingID names one instance of one obligation of one council, the same
// across restarts and instances, so that a receiver can de-duplicate.
func FindingID(council string, f evaluator.Finding) string {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%d", council, f.Direction, f.Obligation, f.Instance)
	if f.Instance == 0 && f.Trigger != nil {
		key += "\x00" + f.Trigger.ID // a breach: one per catching event
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}
