package event

import "github.com/dfe-tools/directions/internal/hooks"

func init() {
	hooks.EventsFromYAML = fromYAML
	hooks.VocabularyFromYAML = vocabularyFromYAML
	hooks.ScanEvents = func(events []Event) (valid, sorted, uncertain bool) {
		s := scan(events)
		return s.valid, s.sorted, s.uncertain
	}
	hooks.EventStart = eventStart
	hooks.ReadEventAt = readEventAt
	hooks.LineIDs = func(r *Reader) { r.lineIDs = true }
}
