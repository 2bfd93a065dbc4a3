package main

import (
	"strings"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/workspace"
)

// councilSet is one council's files loaded together.
type councilSet struct {
	Name string
	WS   *workspace.Workspace
	Set  *direction.Set
}

// loadCouncils loads the paths the way check and report read them: a tree
// of two or more council folders council by council (each with its own
// events, so two councils may both have an event "q1"), anything else as
// one workspace. Every council's errors are reported; ok is false if any
// council failed to load or a file lies in no council's folder. Outside a
// tree, validate (anyDirections) accepts files holding no direction; it
// also streams histories instead of holding them (workspace.Validate).
func loadCouncils(env *cliEnv, cmd string, paths []string, anyDirections bool) ([]councilSet, bool) {
	load := workspace.Load
	if anyDirections {
		load = workspace.Validate
	}
	tree, err := workspace.SplitTree(paths, env.yamlLimits())
	if err != nil || len(tree.Councils) < 2 {
		if anyDirections {
			ws, err := load(paths, env.opts)
			var set *direction.Set
			if err == nil {
				set, err = ws.Set()
			}
			if err != nil {
				env.errorf("%v", err)
				return nil, false
			}
			return []councilSet{{WS: ws, Set: set}}, true
		}
		ws, set, ok := loadWorkspaceWith(env, cmd, paths, load)
		if !ok {
			return nil, false
		}
		return []councilSet{{WS: ws, Set: set}}, true
	}
	if len(tree.Orphans) > 0 {
		env.errorf("directions %s: %d file(s) lie in no council folder (a folder holding a direction file), so no council's directions apply to them:\n  %s\nmove each into its council's folder, or give it with that council's files", cmd, len(tree.Orphans), strings.Join(tree.Orphans, "\n  "))
		return nil, false
	}
	var out []councilSet
	ok := true
	for _, c := range tree.Councils {
		ws, set, good := loadWorkspaceWith(env, cmd, c.Paths, load)
		if !good {
			ok = false
			continue
		}
		out = append(out, councilSet{Name: c.Name, WS: ws, Set: set})
	}
	return out, ok
}

// openCouncil is a council as schedule and explain read it: streamed
// when it can be (stream set: its directions loaded, its histories still
// to read), loaded otherwise.
type openCouncil struct {
	councilSet
	paths  []string
	limits direction.Options
	stream *councilStream
}

// openCouncils is loadCouncils for commands that stream: each council is
// opened for streaming (councilStream says when it can be) or loaded.
// When a council fails to load, loadCouncils reports every council's
// errors, as without streaming.
func openCouncils(env *cliEnv, cmd string, paths []string, prog *progress) ([]openCouncil, bool) {
	parts := []workspace.Council{{Paths: paths}}
	tree, err := workspace.SplitTree(paths, env.yamlLimits())
	if err == nil && len(tree.Councils) >= 2 {
		if len(tree.Orphans) > 0 {
			_, ok := loadCouncils(env, cmd, paths, false) // words them
			return nil, ok
		}
		parts = tree.Councils
	}
	out := make([]openCouncil, len(parts))
	for i, p := range parts {
		out[i] = openCouncil{councilSet: councilSet{Name: p.Name}, paths: p.Paths, limits: env.opts}
		if s, ok := openCouncilStream(p, env.opts, prog); ok {
			out[i].WS, out[i].Set, out[i].stream = s.WS, s.Set, s
			continue
		}
		if !out[i].load() {
			closeCouncils(out)
			cs, ok := loadCouncils(env, cmd, paths, false) // words every council's errors
			if !ok {
				return nil, false
			}
			out = out[:0]
			for _, c := range cs {
				out = append(out, openCouncil{councilSet: c})
			}
			return out, true
		}
	}
	return out, true
}

// load loads the council's files whole, reporting whether it could (with
// a direction among them), as loadWorkspaceWith does, without words.
func (c *openCouncil) load() bool {
	rewindStdin()
	loadingGC()
	ws, err := workspace.Load(c.paths, c.limits)
	if err != nil {
		return false
	}
	set, err := ws.Set()
	if err != nil || len(set.Directions) == 0 {
		return false
	}
	c.WS, c.Set = ws, set
	return true
}

func closeCouncils(cs []openCouncil) {
	for i := range cs {
		if cs[i].stream != nil {
			cs[i].stream.close()
			cs[i].stream = nil
		}
	}
}

// oneCouncil reports whether paths hold at most one council folder (a
// folder that directly holds a direction file), and when they hold more
// says so on stderr for cmd, a command that reads one council: stream
// and explain would otherwise put every council's events before every
// council's directions, and one council's report could meet another's
// duty. check, schedule and report take a tree council by council.
func oneCouncil(env *cliEnv, cmd string, paths []string) bool {
	tree, err := workspace.SplitTree(paths, env.yamlLimits())
	if err != nil || len(tree.Councils) <= 1 {
		return true // errors are the loader's to word, as before
	}
	names := make([]string, len(tree.Councils))
	for i, c := range tree.Councils {
		names[i] = c.Dir
	}
	env.errorf("directions %s: the paths hold %d council folders (%s); %s reads one council at a time (check, schedule and report take a tree council by council)",
		cmd, len(names), strings.Join(names, ", "), cmd)
	return false
}
