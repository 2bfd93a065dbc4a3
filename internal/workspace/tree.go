package workspace

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/dfe-tools/directions/internal/yamlx"
)

// Council is one council's folder in a tree of councils: the files that
// are evaluated together, apart from every other council's.
type Council struct {
	// Name is the folder's path relative to the PATH argument it was found
	// under ("barnet", "north/barnet"), or its base name when the argument
	// is the folder itself.
	Name string
	// Dir is the folder as found on disk.
	Dir string
	// Paths are the files that belong to the council, in lexical order.
	Paths []string
}

// Tree is how the files under some paths split into councils.
type Tree struct {
	Councils []Council
	// Orphans are files that lie in no council's folder. They are only
	// possible when there are two or more councils; with one, every file
	// belongs to it.
	Orphans []string
}

// SplitTree groups the files under paths by council. A folder that directly
// holds a direction file is a council; every other file belongs to the
// nearest enclosing council folder. With at most one council folder, every
// file belongs to it, so that a direction and a history kept apart are
// still evaluated together, as Load would. Councils are sorted by name.
// lim bounds the YAML files read to classify them, as Load's options do.
func SplitTree(paths []string, lim yamlx.Limits) (*Tree, error) {
	names, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	root := make(map[string]string, len(names)) // file -> the argument it came from
	for _, p := range paths {
		sub, err := Expand([]string{p})
		if err != nil {
			return nil, err
		}
		for _, n := range sub {
			if _, seen := root[n]; !seen {
				root[n] = p
			}
		}
	}
	skip := map[string]bool{}
	dirs := map[string]*Council{}
	vocabularies := map[string]bool{}
	for _, n := range names {
		// Only YAML needs reading to be classified: JSON, JSON Lines and
		// CSV files are histories by their extension, and a national
		// tree's histories run to gigabytes.
		kind, _, err := Probe(n, lim)
		if err != nil {
			return nil, err
		}
		if kind == WhatIf && !slices.Contains(paths, n) && Under(root[n], n, kind) == Direction {
			kind = Direction // a council kept in a folder called scenarios
		}
		if kind == WhatIf {
			// A supposed direction in a scenarios folder: left out when
			// found by walking; named as a file it is loaded with the
			// council the other files make, never a council of its own.
			if !slices.Contains(paths, n) {
				skip[n] = true
			}
			continue
		}
		if kind == Vocabulary {
			vocabularies[n] = true
		}
		if kind != Direction {
			continue
		}
		dir := filepath.Dir(n)
		if dirs[dir] == nil {
			dirs[dir] = &Council{Name: councilName(root[n], dir), Dir: dir}
		}
	}
	names = slices.DeleteFunc(names, func(n string) bool { return skip[n] })
	t := &Tree{}
	if len(dirs) <= 1 {
		for _, c := range dirs {
			c.Paths = append(c.Paths, names...)
			t.Councils = append(t.Councils, *c)
		}
		return t, nil
	}
	for _, n := range names {
		c := nearest(dirs, filepath.Dir(n))
		if c == nil && vocabularies[n] {
			continue // read through the directions that name it
		}
		if c == nil {
			t.Orphans = append(t.Orphans, n)
			continue
		}
		c.Paths = append(c.Paths, n)
	}
	for _, c := range dirs {
		sort.Strings(c.Paths)
		t.Councils = append(t.Councils, *c)
	}
	sort.Slice(t.Councils, func(i, j int) bool { return t.Councils[i].Name < t.Councils[j].Name })
	for i := 1; i < len(t.Councils); i++ {
		if a, b := t.Councils[i-1], t.Councils[i]; a.Name == b.Name {
			return nil, fmt.Errorf("two council folders have the same name %q (%s and %s): pass their parent folder instead", a.Name, a.Dir, b.Dir)
		}
	}
	return t, nil
}

// nearest returns the council folder dir is in, or nil.
func nearest(dirs map[string]*Council, dir string) *Council {
	for {
		if c := dirs[dir]; c != nil {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func councilName(arg, dir string) string {
	rel, err := filepath.Rel(filepath.Clean(arg), dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return filepath.Base(dir)
	}
	return filepath.ToSlash(rel)
}
