package direction

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// Spec describes a direction built in Go: the keys of a direction file.
// New turns it into a Direction through the same loader as a file, so
// every check (parties, dates, CEL compilation and types, vocabulary,
// cost) is the same. Revocations and variations (revoked, replaces,
// Varies) are written in files only.
type Spec struct {
	ID, Title, Council, Power string
	IssuedBy                  string
	Issued, Ends              civil.Date
	// Location is the direction's time zone; nil means Europe/London.
	Location *time.Location
	// Revokes lists the ids of earlier directions it revokes whole.
	Revokes []string
	Parties []Party
	// Params are values the expressions read as params.NAME: strings,
	// bools, ints, floats, and lists and maps of them.
	Params      map[string]any
	Obligations []obligation.Spec
	Source      string
	Assumptions []string
	// Vocabulary, when set, is checked against every expression and is
	// the vocabulary of the direction's histories.
	Vocabulary *event.Vocabulary
	// Calendar names the working-day region (calendar.EnglandAndWales
	// when empty); Closures are further days the council is closed.
	Calendar string
	Closures []civil.Date
}

// SpecFile is the file name positions in New's errors refer to: lines
// and columns of the spec's YAML form, which Spec.YAML returns.
const SpecFile = "spec"

// New builds a direction from a Spec. Like Parse it returns every problem
// as a diag.List, with the data path of each (obligations[0].satisfied_by);
// positions are in SpecFile, the spec's YAML form.
func New(s Spec, opts Options) (*Direction, error) {
	src, err := s.YAML()
	if err != nil {
		return nil, err
	}
	d, err := Parse(SpecFile, src, opts)
	if d != nil {
		d.File = ""
	}
	return d, err
}

// YAML returns the spec written as a direction file, the form New reads.
func (s Spec) YAML() ([]byte, error) {
	return yaml.Marshal(s.file())
}

type specFile struct {
	ID          string               `yaml:"id"`
	Title       string               `yaml:"title,omitempty"`
	Council     string               `yaml:"council,omitempty"`
	Power       string               `yaml:"power,omitempty"`
	IssuedBy    string               `yaml:"issued_by,omitempty"`
	Issued      string               `yaml:"issued,omitempty"`
	TimeZone    string               `yaml:"time_zone,omitempty"`
	Ends        string               `yaml:"ends,omitempty"`
	Revokes     []string             `yaml:"revokes,omitempty"`
	Source      string               `yaml:"source,omitempty"`
	Assumptions []string             `yaml:"assumptions,omitempty"`
	Vocabulary  *specVocabulary      `yaml:"vocabulary,omitempty"`
	Calendar    *specCalendar        `yaml:"calendar,omitempty"`
	Parties     map[string]specParty `yaml:"parties,omitempty"`
	Params      map[string]any       `yaml:"params,omitempty"`
	Obligations []specObligation     `yaml:"obligations"`
}

type specVocabulary struct {
	EventTypes map[string]map[string]event.AttrType `yaml:"event_types"`
}

type specCalendar struct {
	Region   string   `yaml:"region,omitempty"`
	Closures []string `yaml:"closures,omitempty"`
}

type specParty struct {
	Name      string `yaml:"name"`
	Role      string `yaml:"role,omitempty"`
	OfficerOf string `yaml:"officer_of,omitempty"`
}

type specObligation struct {
	ID              string           `yaml:"id"`
	Clause          string           `yaml:"clause,omitempty"`
	Holder          string           `yaml:"holder,omitempty"`
	Role            string           `yaml:"role,omitempty"`
	Summary         string           `yaml:"summary,omitempty"`
	Source          string           `yaml:"source,omitempty"`
	Assumptions     []string         `yaml:"assumptions,omitempty"`
	DeadlineAssumed any              `yaml:"deadline_assumed,omitempty"`
	Recurring       *specRecurring   `yaml:"recurring,omitempty"`
	Once            *specOnce        `yaml:"once,omitempty"`
	Triggered       *specTriggered   `yaml:"triggered,omitempty"`
	Prohibition     *specProhibition `yaml:"prohibition,omitempty"`
	SatisfiedBy     string           `yaml:"satisfied_by,omitempty"`
	Attribution     any              `yaml:"attribution,omitempty"`
}

type specRecurring struct {
	Every     string   `yaml:"every,omitempty"`
	First     string   `yaml:"first,omitempty"`
	FirstDue  string   `yaml:"first_due,omitempty"`
	After     []string `yaml:"after,omitempty"`
	Dates     []string `yaml:"dates,omitempty"`
	ThenEvery string   `yaml:"then_every,omitempty"`
	Count     int      `yaml:"count,omitempty"`
	Until     string   `yaml:"until,omitempty"`
}

type specOnce struct {
	Date string `yaml:"date,omitempty"`
	Due  string `yaml:"due,omitempty"`
}

type specTriggered struct {
	When string `yaml:"when,omitempty"`
	Due  string `yaml:"due,omitempty"`
}

type specProhibition struct {
	When string `yaml:"when,omitempty"`
}

func (s Spec) file() specFile {
	f := specFile{
		ID: s.ID, Title: s.Title, Council: s.Council, Power: s.Power, IssuedBy: s.IssuedBy,
		Issued: date(s.Issued), Ends: date(s.Ends), Revokes: s.Revokes,
		Source: s.Source, Assumptions: s.Assumptions, Params: s.Params,
		Obligations: []specObligation{},
	}
	if s.Location != nil {
		f.TimeZone = s.Location.String()
	}
	if s.Vocabulary != nil {
		f.Vocabulary = &specVocabulary{EventTypes: s.Vocabulary.Types}
	}
	if s.Calendar != "" || len(s.Closures) > 0 {
		f.Calendar = &specCalendar{Region: s.Calendar, Closures: dates(s.Closures)}
		if f.Calendar.Region == "" {
			f.Calendar.Region = calendar.EnglandAndWales
		}
	}
	if len(s.Parties) > 0 {
		f.Parties = map[string]specParty{}
		for _, p := range s.Parties {
			f.Parties[p.ID] = specParty{Name: p.Name, Role: p.Role, OfficerOf: p.OfficerOf}
		}
	}
	for _, o := range s.Obligations {
		f.Obligations = append(f.Obligations, specObligationOf(o))
	}
	return f
}

func specObligationOf(o obligation.Spec) specObligation {
	so := specObligation{
		ID: o.ID, Clause: o.Clause, Holder: o.Holder, Role: string(o.Role),
		Summary: o.Summary, Source: o.Source, Assumptions: o.Assumptions,
		SatisfiedBy: o.SatisfiedBy,
	}
	switch {
	case o.DeadlineAssumedUnless != "":
		so.DeadlineAssumed = map[string]string{"why": o.DeadlineAssumed, "unless": o.DeadlineAssumedUnless}
	case o.DeadlineAssumed != "":
		so.DeadlineAssumed = o.DeadlineAssumed
	}
	if r := o.Recurring; r != nil {
		so.Recurring = &specRecurring{
			Every: period(r.Every), First: period(r.First), FirstDue: date(r.FirstDue),
			After: periods(r.After), Dates: dates(r.Dates), ThenEvery: period(r.ThenEvery),
			Count: r.Count, Until: date(r.Until),
		}
	}
	if x := o.Once; x != nil {
		so.Once = &specOnce{Date: date(x.Date), Due: x.Due}
	}
	if x := o.Triggered; x != nil {
		so.Triggered = &specTriggered{When: x.When, Due: x.Due}
	}
	if x := o.Prohibition; x != nil {
		so.Prohibition = &specProhibition{When: x.When}
	}
	switch a := o.Attribution; a.Rule {
	case "":
	case obligation.ByAttribute:
		m := map[string]string{"attribute": a.Attribute}
		if a.Otherwise != "" {
			m["otherwise"] = string(a.Otherwise)
		}
		so.Attribution = m
	default:
		so.Attribution = string(a.Rule)
	}
	return so
}

func date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func dates(ds []civil.Date) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func period(p obligation.Period) string {
	if p.IsZero() {
		return ""
	}
	return p.String()
}

func periods(ps []obligation.Period) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
