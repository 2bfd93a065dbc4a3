package direction

import (
	"io"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
)

// Vocabulary returns the vocabulary the set's histories must use:
// VocabularyOf its directions, nil when one of them declares none.
func (s *Set) Vocabulary() *event.Vocabulary { return VocabularyOf(s.Directions...) }

// LoadHistory reads a history file to evaluate against the set, as
// event.Load does, checking every event against the set's vocabulary: an
// event type or attribute the directions do not declare, or a value of
// the wrong type, is an error at its position with a suggestion, as the
// command line reports it. opts.Vocabulary, when set, is used instead;
// opts.SkipVocabulary reads without any check.
func (s *Set) LoadHistory(path string, opts event.Options) ([]event.Event, error) {
	return event.Load(path, s.historyOptions(opts))
}

// ReadHistory reads a history in format f from r for the set, as
// event.Read does, with LoadHistory's vocabulary check; name is used in
// positions.
func (s *Set) ReadHistory(name string, f event.Format, r io.Reader, opts event.Options) ([]event.Event, error) {
	return event.Read(name, f, r, s.historyOptions(opts))
}

func (s *Set) historyOptions(opts event.Options) event.Options {
	if opts.Vocabulary == nil && !opts.SkipVocabulary {
		opts.Vocabulary = s.Vocabulary()
	}
	return opts
}

// CheckEvents checks events made in code (or gathered from several
// files) before they are evaluated against the set, in one call: what
// event.Validate checks (every event has an id, a type and a time; ids are
// unique) and what the set's vocabulary allows (Vocabulary.Check). Every
// problem is reported, as a diag.List naming the event by id.
func (s *Set) CheckEvents(events []event.Event) error {
	var errs diag.List
	errs.Append(diag.Position{}, event.Validate(events))
	errs.Append(diag.Position{}, s.Vocabulary().Check(events))
	return errs.Err()
}
