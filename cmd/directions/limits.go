package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// Every command that reads input takes the same limit flags, registered
// the same way (newFlags), one for each field of event.Limits and
// direction.CostLimits, so that a message saying a limit was hit can name
// the flag that raises it (docs/limits.md).

// limitFlagDefs lists the limit flags: the Go field each sets, as the
// library's messages name it, the flag, and its help.
var limitFlagDefs = []struct {
	field, flag, usage string
	bytes              bool
}{
	{"Limits.MaxBytes", "max-bytes", "read YAML files (directions, vocabularies, scenarios, YAML histories) of at most `SIZE`: bytes, or a number with KiB, MiB or GiB", true},
	{"Limits.MaxHistoryBytes", "max-history-bytes", "read JSON, JSON Lines and CSV histories of at most `SIZE`: bytes, or a number with KiB, MiB or GiB", true},
	{"Limits.MaxDepth", "max-depth", "allow `N` levels of nesting in a YAML file and in an event's attribute values", false},
	{"Limits.MaxNodes", "max-nodes", "allow `N` nodes in a YAML file, counting each alias as a copy of what it names", false},
	{"Cost.MaxEstimated", "max-estimated-cost", "refuse at load a CEL expression whose estimated worst-case cost is over `N` units", false},
	{"Cost.MaxEval", "max-eval-cost", "stop evaluating a CEL expression against an event once it has cost `N` units (metered only for expressions with a comprehension or that build strings or lists; the rest are linear in the history)", false},
}

func init() {
	// Messages about a limit name its flag rather than the Go option.
	yamlx.SetLimitHint(func(field string) string {
		for _, d := range limitFlagDefs {
			if d.field == field {
				return "raise --" + d.flag
			}
		}
		return "raise " + field
	})
}

// readsInput names the commands that read directions or histories, and
// so take the limit flags.
var readsInput = map[string]bool{
	"validate": true, "check": true, "explain": true, "report": true,
	"schedule": true, "stream": true, "test": true, "serve": true,
}

// readsHistories names the commands that read histories from the command
// line, and so take --quiet (no progress line on a terminal); test, whose
// scenarios name their histories, takes it too, and shows no progress.
var readsHistories = map[string]bool{
	"validate": true, "check": true, "explain": true, "report": true,
	"schedule": true, "stream": true, "test": true,
}

// limitValue is one limit flag's value: a positive whole number, for a
// size with an optional binary suffix.
type limitValue struct {
	n     uint64
	bytes bool
}

var suffixes = []struct {
	s string
	n uint64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}}

func (v *limitValue) String() string {
	if v == nil {
		return ""
	}
	if v.bytes {
		for i := len(suffixes) - 1; i >= 0; i-- {
			if v.n >= suffixes[i].n && v.n%suffixes[i].n == 0 {
				return fmt.Sprintf("%d%s", v.n/suffixes[i].n, suffixes[i].s)
			}
		}
	}
	return strconv.FormatUint(v.n, 10)
}

func (v *limitValue) Set(s string) error {
	num, mult := s, uint64(1)
	if v.bytes {
		for _, sf := range suffixes {
			if cut, ok := strings.CutSuffix(s, sf.s); ok {
				num, mult = cut, sf.n
				break
			}
		}
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n == 0 || n > math.MaxInt64/mult {
		if v.bytes {
			return fmt.Errorf("want a positive number of bytes, such as 33554432 or 32MiB")
		}
		return fmt.Errorf("want a positive whole number")
	}
	v.n = n * mult
	return nil
}

// limitFlags holds a command's limit flags.
type limitFlags map[string]*limitValue // by Go field

// addLimitFlags registers the limit flags on fs, each defaulting to the
// library's default, so that help shows it.
func addLimitFlags(fs *flag.FlagSet) limitFlags {
	def := map[string]uint64{
		"Limits.MaxBytes":        uint64(yamlx.DefaultLimits.MaxBytes),
		"Limits.MaxHistoryBytes": uint64(yamlx.DefaultLimits.MaxHistoryBytes),
		"Limits.MaxDepth":        uint64(yamlx.DefaultLimits.MaxDepth),
		"Limits.MaxNodes":        uint64(yamlx.DefaultLimits.MaxNodes),
		"Cost.MaxEstimated":      celenv.DefaultCostLimits.MaxEstimated,
		"Cost.MaxEval":           celenv.DefaultCostLimits.MaxEval,
	}
	lf := limitFlags{}
	for _, d := range limitFlagDefs {
		v := &limitValue{n: def[d.field], bytes: d.bytes}
		lf[d.field] = v
		fs.Var(v, d.flag, d.usage)
	}
	return lf
}

// options returns the loader options the flags give.
func (lf limitFlags) options() direction.Options {
	n := func(field string) int { return int(lf[field].n) }
	return direction.Options{
		Limits: direction.Limits{
			MaxBytes: n("Limits.MaxBytes"), MaxHistoryBytes: n("Limits.MaxHistoryBytes"),
			MaxDepth: n("Limits.MaxDepth"), MaxNodes: n("Limits.MaxNodes"),
		},
		Cost: direction.CostLimits{MaxEstimated: lf["Cost.MaxEstimated"].n, MaxEval: lf["Cost.MaxEval"].n},
	}
}

// yamlLimits are the limits for reading YAML to classify files.
func (e *cliEnv) yamlLimits() yamlx.Limits { return yamlx.LimitsOf(e.opts.Limits) }

// isLimitFlag reports whether name is one of the limit flags.
func isLimitFlag(name string) bool {
	for _, d := range limitFlagDefs {
		if d.flag == name {
			return true
		}
	}
	return false
}
