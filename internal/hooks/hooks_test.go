package hooks_test

import (
	"io"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// Every hook is set, with the type its callers assert: a changed
// signature fails here rather than as a panic in a loader.
func TestHooksSetWithTheirTypes(t *testing.T) {
	if _, ok := hooks.EventsFromYAML.(func(*yamlx.Doc, *yaml.Node, string, event.Options) ([]event.Event, error)); !ok {
		t.Errorf("EventsFromYAML is %T", hooks.EventsFromYAML)
	}
	if _, ok := hooks.VocabularyFromYAML.(func(*yamlx.Doc, *yaml.Node, string) *event.Vocabulary); !ok {
		t.Errorf("VocabularyFromYAML is %T", hooks.VocabularyFromYAML)
	}
	if _, ok := hooks.ScanEvents.(func([]event.Event) (bool, bool, bool)); !ok {
		t.Errorf("ScanEvents is %T", hooks.ScanEvents)
	}
	if _, ok := hooks.EventStart.(func(*event.Reader) int64); !ok {
		t.Errorf("EventStart is %T", hooks.EventStart)
	}
	if _, ok := hooks.ReadEventAt.(func(*event.Reader, string, io.Reader, int, int) (*event.Event, error)); !ok {
		t.Errorf("ReadEventAt is %T", hooks.ReadEventAt)
	}
	if _, ok := hooks.NewObligation.(func(obligation.Obligation, celenv.Programs) *obligation.Obligation); !ok {
		t.Errorf("NewObligation is %T", hooks.NewObligation)
	}
	if _, ok := hooks.TraceOnly.(func(evaluator.Options, func(dir, obl string) bool) evaluator.Options); !ok {
		t.Errorf("TraceOnly is %T", hooks.TraceOnly)
	}
	if _, ok := hooks.NewVars.(func(direction, params celenv.Value) *obligation.Vars); !ok {
		t.Errorf("NewVars is %T", hooks.NewVars)
	}
}
