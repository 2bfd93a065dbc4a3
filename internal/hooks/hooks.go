package hooks

var (
	// EventsFromYAML is event's reader for a list node of events:
	// func(*yamlx.Doc, *yaml.Node, string, event.Options) ([]event.Event, error).
	// Scenario files use it for inline histories.
	EventsFromYAML any

	// VocabularyFromYAML is event's reader for a vocabulary mapping:
	// func(*yamlx.Doc, *yaml.Node, string) *event.Vocabulary. Directions
	// use it for vocabularies written inline.
	VocabularyFromYAML any

	// ScanEvents is event's one pass over a history for the evaluator:
	// func([]event.Event) (valid, sorted, uncertain bool). valid means
	// the events certainly pass event.Validate (false may still pass:
	// call it); sorted and uncertain (an event's day known only to a
	// range) are meaningful only when valid is set.
	ScanEvents any

	// NewObligation is obligation's constructor from a description and
	// its compiled expressions:
	// func(obligation.Obligation, celenv.Programs) *obligation.Obligation.
	NewObligation any

	// NewVars is obligation's constructor of CEL bindings with a
	// direction's fixed values: func(direction, params celenv.Value) *obligation.Vars.
	NewVars any
)
