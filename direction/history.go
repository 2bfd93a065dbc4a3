package direction

import (
	"fmt"
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
// opts.SkipVocabulary reads without any check. Bare dates are read in the
// directions' time zone, as the command line reads them, unless
// opts.Location says otherwise; directions of different zones need it.
func (s *Set) LoadHistory(path string, opts event.Options) ([]event.Event, error) {
	opts, err := s.historyOptions(opts)
	if err != nil {
		return nil, err
	}
	return event.Load(path, opts)
}

// ReadHistory reads a history in format f from r for the set, as
// event.Read does, with LoadHistory's vocabulary check and time zone;
// name is used in positions.
func (s *Set) ReadHistory(name string, f event.Format, r io.Reader, opts event.Options) ([]event.Event, error) {
	opts, err := s.historyOptions(opts)
	if err != nil {
		return nil, err
	}
	return event.Read(name, f, r, opts)
}

func (s *Set) historyOptions(opts event.Options) (event.Options, error) {
	if opts.Vocabulary == nil && !opts.SkipVocabulary {
		opts.Vocabulary = s.Vocabulary()
	}
	if opts.Location == nil && len(s.Directions) > 0 {
		first := s.Directions[0]
		for _, d := range s.Directions[1:] {
			if d.Location.String() != first.Location.String() {
				return opts, fmt.Errorf("direction: the set's directions have different time zones (%s has %s, %s has %s): set event.Options.Location to say in which a history's bare dates are read",
					first.ID, first.Location, d.ID, d.Location)
			}
		}
		opts.Location = first.Location
	}
	return opts, nil
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
