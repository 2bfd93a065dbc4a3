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

	// EventStart and ReadEventAt let a JSON document out of time order be
	// read an event at a time in time order (cmd/directions), through the
	// document reader's own decoding. EventStart is the byte offset in
	// the file of the event a document reader returned last:
	// func(*event.Reader) int64. ReadEventAt reads the one event that
	// starts at in's first byte, found at a line and column of the named
	// file, with a reader made by event.NewJSONReader:
	// func(r *event.Reader, name string, in io.Reader, line, col int) (*event.Event, error).
	EventStart  any
	ReadEventAt any

	// NewObligation is obligation's constructor from a description and
	// its compiled expressions:
	// func(obligation.Obligation, celenv.Programs) *obligation.Obligation.
	NewObligation any

	// NewVars is obligation's constructor of CEL bindings with a
	// direction's fixed values: func(direction, params celenv.Value) *obligation.Vars.
	NewVars any

	// TraceOnly is evaluator's limit on a Trace:
	// func(evaluator.Options, func(dir, obl string) bool) evaluator.Options
	// returns the options with the Trace told the steps of only the
	// obligations the function admits, by direction and obligation id;
	// the others evaluate as they would untraced. Package explain uses it
	// so that explaining one obligation does not slow the rest.
	TraceOnly any

	// SortFindings is what EvaluateStream does to the findings reported
	// as they became final: sorts them into Evaluate's order (by
	// direction and obligation as the set lists them, then by instance)
	// and marks the ties among simultaneous triggers (rule 4):
	// func(*direction.Set, []evaluator.Finding). Package explain keeps
	// only some obligations' findings of a stream and finishes them itself.
	SortFindings any
)
