package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Counts agree with their nouns. Ambridge as of 30 Sep 2018 (docs/batch.md)
// has 0 breaches and 1 expectation unmet (Felpersham's report due 1 Sep).
func TestCountsAreSingularOrPlural(t *testing.T) {
	out, _, _ := runCLI("check", "--as-of", "2018-09-30", national+"/ambridge")
	assert.Contains(t, out, "; 0 breaches of the council's duties; 1 expectation of others not met.")
	assert.NotContains(t, out, "1 expectations")
	out, _, _ = runCLI("check", "--as-of", "2018-09-30", national)
	assert.Contains(t, out, "3 councils as of")
}
