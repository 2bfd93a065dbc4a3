// Package workspace gathers the files a command is pointed at: it walks
// directories, tells direction files from history files by their shape,
// loads them all and reports every problem in every file together.
package workspace
