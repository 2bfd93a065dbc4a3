package workspace

import (
	"os"
	"runtime"
)

// TempFile is a temporary file taken out of its folder as soon as it is
// made, where the system allows it (the open file lives on, and nothing is
// left behind even if the process is killed), else removed by Close. The
// spool of standard input and the order index's runs are kept in one.
type TempFile struct {
	*os.File
	name string // the file's name while it is still in the folder
}

// NewTempFile makes a temporary file named by pattern, as os.CreateTemp.
func NewTempFile(pattern string) (*TempFile, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	t := &TempFile{File: f, name: f.Name()}
	if runtime.GOOS != "windows" && os.Remove(t.name) == nil {
		t.name = ""
	}
	return t, nil
}

// Close closes the file and removes it if it is still in its folder.
func (t *TempFile) Close() error {
	err := t.File.Close()
	if t.name != "" {
		os.Remove(t.name)
	}
	return err
}

// InFolder returns the file's name while it is still in its folder, and
// "" once it has been taken out.
func (t *TempFile) InFolder() string { return t.name }
