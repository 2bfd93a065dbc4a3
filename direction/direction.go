package direction

import (
	"time"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// Party is someone a direction names.
type Party struct {
	ID   string
	Name string
	Role string
	// OfficerOf is the directed council's id when the party is one of its
	// officers (its Director of Children's Services, say), who may hold
	// the council's duties; empty otherwise.
	OfficerOf string
}

// Direction is one statutory direction.
type Direction struct {
	ID      string
	Title   string
	Council string // party id of the directed council
	Power   string // the power it is made under
	// IssuedBy is the party id of the issuer.
	IssuedBy string
	// Issued is the date it was made; it is in force from the start of
	// that day.
	Issued civil.Date
	// Ends is the last day it is in force, when it says; zero means until
	// revoked.
	Ends civil.Date
	// IssuedThrough and EndsThrough are zero when the day is known. When
	// the file gives only a month or a range of days (issued: 2018-06),
	// Issued (or Ends) is the first day it may be and these the last;
	// evaluator.Evaluate weighs every day in between.
	IssuedThrough, EndsThrough civil.Date
	Location                   *time.Location
	// Revokes lists the ids of the directions it revokes whole.
	Revokes []string
	// Varies lists the obligations of earlier directions it revokes or
	// replaces one by one, from its issue date.
	Varies []Variation
	// Revoked, when set, records the direction's own end by an instrument
	// that is not modelled: in force until the start of Revoked.On.
	Revoked     *Revocation
	Parties     []Party
	Params      map[string]any
	Obligations []*obligation.Obligation
	// Extensions says who may extend or waive the instances of its
	// obligations; see Grantors.
	Extensions obligation.Extensions
	// Source cites the document the direction is modelled on; Assumptions
	// states what the model assumes where the sources are silent.
	Source      string
	Assumptions []string
	// File is the file it was loaded from; Digest its SHA-256 in hex.
	File   string
	Digest string
	// Vocabulary, when the direction declares one, lists the event types
	// and attributes its expressions were checked against and its
	// histories must use.
	Vocabulary *event.Vocabulary
	// VocabularyFile and VocabularyDigest name the vocabulary file read for
	// the direction, if any, and its SHA-256, so that audits cover it too.
	VocabularyFile, VocabularyDigest string

	// where the id and revokes keys are, for NewSet's messages
	idPos, revokesPos diag.Position
	// revokeAt is where each entry of Revokes is (empty when made in code).
	revokeAt   []diag.Position
	revokePath []string

	env  *celenv.Env
	cal  *calendar.Calendar
	dirV celenv.Value
	parV celenv.Value
}

// CouncilHolds reports whether holder is the directed council or one of its
// officers (a party marked officer_of the council): the only holders of
// duties a direction can impose.
func (d *Direction) CouncilHolds(holder string) bool {
	if holder == d.Council {
		return true
	}
	p := d.Party(holder)
	return p != nil && p.OfficerOf != "" && p.OfficerOf == d.Council
}

// Party returns the party with id, or nil.
func (d *Direction) Party(id string) *Party {
	for i := range d.Parties {
		if d.Parties[i].ID == id {
			return &d.Parties[i]
		}
	}
	return nil
}

// Obligation returns the obligation with id, or nil.
func (d *Direction) Obligation(id string) *obligation.Obligation {
	for _, o := range d.Obligations {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Grantors returns the party ids that may extend or waive an instance of
// o: the obligation's extensions.granted_by, else the direction's, else
// the issuer alone.
func (d *Direction) Grantors(o *obligation.Obligation) []string {
	switch {
	case o != nil && o.Extensions.Set:
		return o.Extensions.GrantedBy
	case d.Extensions.Set:
		return d.Extensions.GrantedBy
	}
	return []string{d.IssuedBy}
}

// Vars returns a fresh set of CEL bindings for evaluating this direction's
// obligations. Each goroutine needs its own.
func (d *Direction) Vars() *obligation.Vars {
	return hooks.NewVars.(func(direction, params celenv.Value) *obligation.Vars)(d.dirV, d.parV)
}

// IssuedRange returns the days the direction may have been made on.
func (d *Direction) IssuedRange() civil.Range { return span(d.Issued, d.IssuedThrough) }

// EndsRange returns the days its last day in force may be; zero when it
// has no end date.
func (d *Direction) EndsRange() civil.Range { return span(d.Ends, d.EndsThrough) }

func span(first, through civil.Date) civil.Range {
	if through.IsZero() {
		return civil.Range{First: first, Last: first}
	}
	return civil.Range{First: first, Last: through}
}

// Uncertain reports whether its issue or end date is known only to a range.
func (d *Direction) Uncertain() bool {
	return !d.IssuedThrough.IsZero() || !d.EndsThrough.IsZero() || (d.Revoked != nil && !d.Revoked.Through.IsZero())
}

// Fixed returns a copy of d made on issued, ending on ends (zero: no end)
// and, when it records its own revocation, revoked on revoked, with
// everything that depends on those dates recomputed: the direction's CEL
// bindings and the anchor of recurring obligations that count from the
// issue date. The evaluator uses it for each case of a direction whose
// dates are known only to a range; d is not changed.
func (d *Direction) Fixed(issued, ends, revoked civil.Date) *Direction {
	c := *d
	c.Issued, c.Ends, c.IssuedThrough, c.EndsThrough = issued, ends, civil.Date{}, civil.Date{}
	if d.Revoked != nil {
		c.Revoked = &Revocation{On: revoked, By: d.Revoked.By}
	}
	c.bind()
	c.Obligations = make([]*obligation.Obligation, len(d.Obligations))
	for i, o := range d.Obligations {
		if o.Kind == obligation.Recurring && o.Schedule.AnchorIs == anchorIssued && o.Schedule.Anchor == d.Issued {
			oc := *o
			oc.Schedule.Anchor = issued
			o = &oc
		}
		c.Obligations[i] = o
	}
	return &c
}

// bind sets the direction's CEL bindings from its fields.
func (d *Direction) bind() {
	dirMap := map[string]any{"id": d.ID, "council": d.Council, "issued_by": d.IssuedBy}
	if !d.Issued.IsZero() {
		dirMap["issued"] = d.Issued.Start(d.Location)
	}
	if !d.Ends.IsZero() {
		dirMap["ends"] = d.Ends.End(d.Location)
	}
	d.dirV = celenv.Map(dirMap)
}

// Start returns the first instant the direction is in force.
func (d *Direction) Start() time.Time { return d.Issued.Start(d.Location) }

// Calendar returns the working-day calendar the direction names (England
// and Wales unless it names another).
func (d *Direction) Calendar() *calendar.Calendar { return d.cal }

// Options control loading. The zero value is ready to use.
type Options struct {
	// Limits bound the YAML read (the direction file and its vocabulary
	// file); zero fields take the defaults.
	Limits Limits
	// Cost bounds what each CEL expression may cost, estimated at load
	// and counted at evaluation; zero fields take the defaults.
	Cost CostLimits
}

// CostLimits bound what a CEL expression may cost, in CEL's abstract cost
// units (roughly one per operation, plus one per ten bytes of string
// handled), so that an expression cannot make loading or evaluation run
// away. Zero fields take the defaults.
type CostLimits struct {
	// MaxEstimated rejects at load an expression whose worst-case cost,
	// estimated by CEL's static analysis, exceeds it; the estimate assumes
	// any list, map or string read from a variable holds at most 100
	// elements or bytes. Default 1,000,000.
	MaxEstimated uint64
	// MaxEval stops one evaluation of one expression against one event
	// once it has cost this much. Default 1,000,000.
	MaxEval uint64
}

// Load reads a direction file. It reads only regular files and no more
// than Limits.MaxBytes of them, so that a path to a device or a pipe (a
// scenario file may name any path) can neither hang nor flood it.
func Load(path string, opts Options) (*Direction, error) {
	src, err := yamlx.ReadFile(path, yamlx.LimitsOf(opts.Limits))
	if err != nil {
		return nil, err
	}
	return Parse(path, src, opts)
}
