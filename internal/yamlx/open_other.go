//go:build !unix

package yamlx

// openNoWait is zero elsewhere (Windows), where opening a named pipe does
// not wait for a writer.
const openNoWait = 0
