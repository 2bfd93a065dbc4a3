package celenv

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cel.dev/cel-go/common/cost"
	"go.yaml.in/yaml/v3"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetered(t *testing.T) {
	env, err := New(nil, nil)
	require.NoError(t, err)
	for expr, want := range map[string]bool{
		`event.type == "report" && event.to == "sos"`:                   false,
		`event.kind.startsWith("prog") && size(event.from) > 2`:         false,
		`event.at <= addDays(trigger.at, params.days)`:                  false,
		`event.at <= trigger.at + duration("24h")`:                      true, // dyn + duration: not known to be numeric
		`instance.number + 1 > 2`:                                       false,
		`event.outcome in ["granted", "complied"]`:                      false,
		`event.items.exists(i, i == 1)`:                                 true,
		`[1, 2].all(i, i > 0)`:                                          true,
		`event.a + event.b == "x"`:                                      true,
		`"x" + event.b == "xy"`:                                         true,
		`event.tags + ["x"] == []`:                                      true,
		`event.text.replace("a", "bb") == ""`:                           true,
		`"%s".format([event.text]) == ""`:                               true,
		`event.text.split(",").size() > 1`:                              true,
		`strings.quote(event.text) == ""`:                               true,
		`has(event.meeting) && event.meeting == trigger.id`:             false,
		`event.type == "report" && event.kind.matches("^prog.*$")`:      false,
		`event.type == "report" && event.kind.lowerAscii() == "review"`: false,
	} {
		checked, iss := env.env.Compile(expr)
		require.NoError(t, iss.Err(), expr)
		assert.Equal(t, want, metered(checked), expr)
	}
}

// walkEstimator is estimator as it was before assumedItems: AssumedSize for
// any path, leaving cel-go's default strategy to walk a dyn value's items
// level by level.
type walkEstimator struct{ estimator }

func (walkEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if len(n.Path()) > 0 {
		s := cost.RangedSizeEstimate(0, AssumedSize)
		return &s
	}
	return nil
}

// TestEstimatorAgreesWithWalk checks that estimator, which hands cel-go a
// dyn value's nested item sizes at once, gives every expression the same
// cost estimate as the walk it replaces: the expressions of every YAML file
// in the module (examples, test data, bad inputs) and shapes chosen to reach
// the nested sizes (comprehensions nested over event data to several
// depths, indexing, maps, strings, optionals, bindings).
func TestEstimatorAgreesWithWalk(t *testing.T) {
	env, err := New(nil, nil)
	require.NoError(t, err)
	exprs := map[string]bool{}
	for _, x := range []string{
		`event.items.all(a, event.items.all(b, event.items.all(c, a + b != c)))`,
		`[1, 2, 3].all(i, event.items.all(j, event.items.exists(k, (event.text + event.text).contains(string(i + j + k)))))`,
		`event.items.exists(i, i.exists(j, j.exists(k, k.exists(l, l == 1))))`,
		`event.m.exists(k, event.m[k].exists(v, v.size() > 2))`,
		`event.items[0].all(x, x[1].all(y, y == "a"))`,
		`event.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.exists(q, q.all(r, r == 1))`,
		`event.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff.gg.hh.size() > 0`,
		`event.items.map(x, x + x).filter(y, y.size() > 1).size() > 0`,
		`event.items.map(x, x.map(y, y + "a")).all(z, z.all(w, w.startsWith("a")))`,
		`size(event.text + event.text) > 3 && event.text.contains(trigger.text)`,
		`event.text.split(",").all(s, s.trim().lowerAscii() in trigger.list)`,
		`cel.bind(xs, event.items, xs.all(x, xs.exists(y, x == y)))`,
		`event.?opt.orValue([]).all(x, x.all(y, y == 1))`,
		`event.items.exists(x, x.m.exists(k, x.m[k] == trigger.id))`,
		`event.text == trigger.text && event.items == trigger.items`,
		`"%s %s".format([event.a, event.b]) == event.c`,
		`[event.items, trigger.items].all(l, l.all(x, x.all(y, y == params.v)))`,
		`{"a": event.items}.a.all(x, x.all(y, y == 1))`,
		`(event.flag ? event.items : trigger.items).all(x, x.exists(y, y == 1))`,
		`dyn(event.items).all(x, x.all(y, y == 1))`,
		`event.items.all(x, x.all(y, y.all(z, z.all(w, w.all(v, v == 1)))))`,
	} {
		exprs[x] = true
	}
	// Comprehensions nested to and past the depth where cel-go stops
	// asking for items of items (maxHintDepth), from a short path and a
	// long one.
	for _, start := range []string{"event.items", "event.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z"} {
		for depth := 1; depth <= maxHintDepth+2; depth++ {
			x, v := start, ""
			for i := range depth {
				v = fmt.Sprintf("v%d", i)
				x += fmt.Sprintf(".exists(%s, %s", v, v)
			}
			x += ".size() > 0" + strings.Repeat(")", depth)
			exprs[x] = true
		}
	}
	root := filepath.Join("..", "..")
	keys := map[string]bool{"satisfied_by": true, "when": true, "due": true, "unless": true}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if v := n.Content[i+1]; keys[n.Content[i].Value] && v.Kind == yaml.ScalarNode {
					exprs[v.Value] = true
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var n yaml.Node
		if yaml.Unmarshal(src, &n) == nil {
			walk(&n)
		}
		return nil
	}))
	compared := 0
	for x := range exprs {
		checked, iss := env.env.Compile(x)
		if iss.Err() != nil {
			continue
		}
		want, wantErr := env.env.EstimateCost(checked, walkEstimator{})
		got, gotErr := env.env.EstimateCost(checked, estimator{})
		assert.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(gotErr), x)
		assert.Equal(t, want, got, x)
		compared++
	}
	assert.Greater(t, compared, 100, "expressions compared")
}
