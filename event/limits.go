package event

import "github.com/dfe-tools/directions/internal/yamlx"

// Limits bound what reading one file may cost, so that a hostile or
// mistaken input (a huge file, an alias bomb, deep nesting) is refused
// with a message rather than exhausting memory. Zero fields take the
// defaults. Directions and scenarios are read with the same limits
// (direction.Options.Limits, scenario.Loader.Limits).
type Limits struct {
	// MaxBytes bounds YAML files (directions, vocabularies, scenarios
	// and YAML histories), whose parse builds a node tree. Default 16 MiB.
	MaxBytes int
	// MaxHistoryBytes bounds JSON, JSON Lines and CSV histories, which
	// are read in one linear pass and may hold millions of events.
	// Default 4 GiB.
	MaxHistoryBytes int
	// MaxDepth bounds how deeply YAML nests, and how deeply attribute
	// values nest in every format. Default 64.
	MaxDepth int
	// MaxNodes bounds the nodes of a YAML document after expanding
	// aliases. Default 1,000,000.
	MaxNodes int
}

// yamlx converts l for the YAML reader.
func (l Limits) yamlx() yamlx.Limits { return yamlx.LimitsOf(l) }
