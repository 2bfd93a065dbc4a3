package evaluator

import (
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/obligation"
)

// Trace receives the steps of an evaluation as they happen, so that a tool
// can explain a finding: how each instance came about and which events
// were weighed against it. It is called synchronously, in evaluation
// order, on the goroutine that called Evaluate. Steps point into the
// evaluation's own state: read them during the call, copy what is kept,
// modify nothing. A nil Trace, the default, costs one pointer test per
// step and nothing else.
type Trace func(Step)

// StepKind says what a Step records.
type StepKind uint8

// The kinds of step.
const (
	// StepCreated: Instance has just been created, with its due date and
	// Basis (a recurring or once instance when its window opens, a
	// triggered one when its trigger is observed).
	StepCreated StepKind = iota + 1
	// StepTested: Event was tested against Instance's discharge condition
	// (satisfied_by). Satisfied reports the outcome; a satisfying event
	// discharges the instance at once (rule 4). Retained is set when the
	// event arrived before the instance existed and was held back for it.
	StepTested
	// StepGranted: Event, an extension or waiver, was granted for
	// Instance (which, for a recurring instance whose window has not
	// opened, is not yet created: only its obligation, number and due
	// date are set).
	StepGranted
)

// Step is one thing the engine did.
type Step struct {
	Kind StepKind
	// Direction is the id of the direction being evaluated.
	Direction string
	Instance  *obligation.Instance
	Event     *event.Event
	Satisfied bool
	Retained  bool
	// Attribution is the rule that chose Instance for Event
	// (StepTested): oldest-outstanding, window or attribute:NAME.
	Attribution string
}

// Package explain limits its trace to the obligations it explains
// (Options.traceOnly) through a hook rather than an exported option: the
// limit serves that one caller, and a Trace's contract stays "every step".
// It sorts and marks ties on the findings it keeps of a stream, as
// EvaluateStream does, by the same route.
func init() {
	hooks.TraceOnly = func(opts Options, only func(dir, obl string) bool) Options {
		opts.traceOnly = only
		return opts
	}
	hooks.SortFindings = func(set *direction.Set, fs []Finding) {
		sortFindings(set, fs)
		markTies(set, fs)
	}
}

// traceCreated and traceTested build the steps; call sites test st.traced
// first, so that an evaluation without a trace builds nothing.
func (ds *dirState) traceCreated(in *instance) {
	ds.trace(Step{Kind: StepCreated, Direction: ds.d.ID, Instance: &in.Instance})
}

func (ds *dirState) traceTested(in *instance, ev *event.Event, ok, retained bool, rule string) {
	if rule == "" {
		rule = string(obligation.OldestOutstanding)
	}
	ds.trace(Step{Kind: StepTested, Direction: ds.d.ID, Instance: &in.Instance, Event: ev, Satisfied: ok, Retained: retained, Attribution: rule})
}
