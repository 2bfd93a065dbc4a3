// Package workspace gathers the files a command is pointed at: it walks
// directories, tells direction files from history files by their shape,
// loads them all and reports every problem in every file together. It
// also holds what streaming a council's histories needs: HashingReader
// (each file's SHA-256 as it is read) and OrderIndex with OrderedFiles
// (JSON Lines and JSON events out of time order put in loading's order
// without holding them).
package workspace
