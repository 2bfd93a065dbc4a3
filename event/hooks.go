package event

import "github.com/dfe-tools/directions/internal/hooks"

func init() {
	hooks.EventsFromYAML = fromYAML
	hooks.VocabularyFromYAML = vocabularyFromYAML
}
