package direction

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/yamlx"
)

var calendarKeys = []string{"region", "closures"}

// calendar reads the optional calendar key: a region name, or a mapping
// with region and closures. Without it a direction uses England and Wales.
// It returns the default calendar when the key is wrong, after reporting
// the problem, so that the rest of the file is still checked.
func (p *parser) calendar(m *yamlx.Map) *calendar.Calendar {
	n := m.Value("calendar")
	if n == nil {
		return calendar.Default()
	}
	doc := p.doc
	region, regionNode := calendar.EnglandAndWales, (*yaml.Node)(nil)
	var closures []civil.Date
	if n.Kind == yaml.ScalarNode {
		s, ok := doc.Scalar(n, "calendar", "a calendar region such as england-and-wales")
		if !ok {
			return calendar.Default()
		}
		region, regionNode = s, n
	} else {
		cm := doc.Map(n, "calendar", calendarKeys...)
		if cm == nil {
			return calendar.Default()
		}
		if s, rn := cm.String("region", false, "a calendar region such as england-and-wales"); rn != nil {
			region, regionNode = s, rn
		}
		if cn := cm.Value("closures"); cn != nil {
			items, ok := doc.Seq(cn, "calendar.closures", "dates (YYYY-MM-DD) when the council's offices were closed")
			for i, it := range items {
				path := yamlx.Index("calendar.closures", i)
				s, ok := doc.Scalar(it, path, "a date (YYYY-MM-DD)")
				if !ok {
					continue
				}
				d, err := civil.Parse(s)
				if err != nil {
					doc.Errorf(it, path, "%v", err)
					continue
				}
				closures = append(closures, d)
			}
			if !ok {
				return calendar.Default()
			}
		}
	}
	c, err := calendar.New(region, closures...)
	if err != nil {
		hint := yamlx.Suggest(region, calendar.Regions())
		if strings.HasPrefix(hint, " (did you mean") {
			hint += "; valid regions: " + strings.Join(calendar.Regions(), ", ")
		}
		doc.Errorf(regionNode, "calendar", "unknown calendar region %q%s", region, hint)
		return calendar.Default()
	}
	return c
}
