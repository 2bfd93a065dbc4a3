// Package golden compares test output with golden files under testdata and
// rewrites them when the tests run with -update. Test files import it; the
// flag exists only in test binaries.
package golden
