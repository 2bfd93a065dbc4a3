package apicheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/dfe-tools/directions"

// listed is the part of `go list -json` the check needs.
type listed struct {
	ImportPath string
	Name       string
	Export     string
	Standard   bool
}

// TestPublicAPIClosed fails when an exported identifier of a public package
// of this module mentions a type that a caller outside the module cannot
// name: a type of an internal package, an unexported type, or a type of a
// third-party module. Every exported signature must be expressible with
// exported types of this module and the standard library, so that
// `go doc` shows everything a caller needs and every function can be
// called.
func TestPublicAPIClosed(t *testing.T) {
	var problems []string
	found := map[string]*types.Package{}
	for _, pkg := range publicPackages(t) {
		found[pkg.Path()] = pkg
		problems = append(problems, check(pkg)...)
	}
	problems = append(problems, checkWriters(found)...)
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// TestNoExportedVariables fails when a public package exports a variable:
// any importer could assign to it and change what every other package
// sees (event.London was one; a program that set it to UTC moved every
// deadline). Values are constants or functions instead. Sentinel errors
// (ErrX of type error) are the one exception, as in the standard library
// (io.EOF): callers compare against them with errors.Is.
func TestNoExportedVariables(t *testing.T) {
	var problems []string
	for _, pkg := range publicPackages(t) {
		problems = append(problems, exportedVars(pkg)...)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// exportedVars lists pkg's exported package-level variables, but for
// sentinel errors.
func exportedVars(pkg *types.Package) []string {
	var out []string
	errType := types.Universe.Lookup("error").Type()
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		v, ok := scope.Lookup(name).(*types.Var)
		if !ok || !v.Exported() {
			continue
		}
		if strings.HasPrefix(name, "Err") && types.Identical(v.Type(), errType) {
			continue
		}
		out = append(out, fmt.Sprintf("%s.%s is an exported variable (%s): make it a constant or a function", pkg.Path(), name, v.Type()))
	}
	return out
}

// publicPackages type-checks, from export data, every public package of
// the module.
func publicPackages(t *testing.T) []*types.Package {
	t.Helper()
	if testing.Short() {
		t.Skip("compiles export data for the whole module")
	}
	touchSources(t, "../..")
	cmd := exec.Command("go", "list", "-export", "-deps", "-json", module+"/...")
	cmd.Dir = "../.."
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	var public []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if isPublic(p) {
			public = append(public, p)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var pkgs []*types.Package
	for _, p := range public {
		pkg, err := imp.Import(p.ImportPath)
		if err != nil {
			t.Fatalf("import %s: %v", p.ImportPath, err)
		}
		pkgs = append(pkgs, pkg)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found only %d public packages", len(pkgs))
	}
	return pkgs
}

// writers are the public functions that write each documented output
// format, so that a program embedding the library can write what the CLI
// writes: each must exist, in a public package, and take an io.Writer
// first.
var writers = map[string][]string{
	"report":   {"WriteJSON", "WriteText", "WriteBatchJSON", "WriteBatchText", "WriteCSV", "WriteCSVSummary", "WriteHTML"},
	"schedule": {"WriteText", "WriteJSON", "WriteICS"},
	"explain":  {"WriteText", "WriteJSON"},
	"scenario": {"WriteJUnit", "WriteOutcome", "WriteSummary"},
}

func checkWriters(found map[string]*types.Package) []string {
	var problems []string
	for rel, names := range writers {
		path := module + "/" + rel
		pkg := found[path]
		if pkg == nil {
			problems = append(problems, fmt.Sprintf("%s: no such public package; it should hold the writers %s", path, strings.Join(names, ", ")))
			continue
		}
		for _, name := range names {
			fn, ok := pkg.Scope().Lookup(name).(*types.Func)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s: no such function; a documented output has no public writer", path, name))
				continue
			}
			params := fn.Type().(*types.Signature).Params()
			if params.Len() == 0 || types.TypeString(params.At(0).Type(), nil) != "io.Writer" {
				problems = append(problems, fmt.Sprintf("%s.%s: takes no io.Writer first", path, name))
			}
		}
	}
	return problems
}

// touchSources reads every Go file of the module, so that go test's cache,
// which cannot see what the go list subprocess reads, reruns this test
// when any of them changes.
func touchSources(t *testing.T, root string) {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod") {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isPublic reports whether p is a library package of this module that
// callers outside it may import.
func isPublic(p listed) bool {
	if p.Name == "main" || strings.HasSuffix(p.Name, "_test") {
		return false
	}
	if p.ImportPath != module && !strings.HasPrefix(p.ImportPath, module+"/") {
		return false
	}
	return !isInternal(p.ImportPath)
}

func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/")
}

// check lists every exported object of pkg whose declaration mentions a type
// a caller cannot name.
func check(pkg *types.Package) []string {
	var problems []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		where := pkg.Path() + "." + name
		c := &checker{pkg: pkg, seen: map[types.Type]bool{}}
		switch o := obj.(type) {
		case *types.TypeName:
			if o.IsAlias() {
				c.walk(o.Type(), where)
				break
			}
			named, ok := o.Type().(*types.Named)
			if !ok {
				break
			}
			c.walkDecl(named.Underlying(), where)
			for i := 0; i < named.NumMethods(); i++ {
				m := named.Method(i)
				if m.Exported() {
					c.walk(m.Type(), where+"."+m.Name())
				}
			}
		default:
			c.walk(obj.Type(), where)
		}
		problems = append(problems, c.problems...)
	}
	return problems
}

type checker struct {
	pkg      *types.Package
	seen     map[types.Type]bool
	problems []string
}

// walkDecl walks the underlying type of a declared named type: only its
// exported fields and methods are part of the API.
func (c *checker) walkDecl(t types.Type, where string) {
	switch u := t.(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if f.Exported() {
				c.walk(f.Type(), where+"."+f.Name())
			}
		}
	case *types.Interface:
		for i := 0; i < u.NumExplicitMethods(); i++ {
			m := u.ExplicitMethod(i)
			if m.Exported() {
				c.walk(m.Type(), where+"."+m.Name())
			}
		}
	default:
		c.walk(t, where)
	}
}

func (c *checker) walk(t types.Type, where string) {
	if c.seen[t] {
		return
	}
	c.seen[t] = true
	switch u := t.(type) {
	case *types.Alias:
		if obj := u.Obj(); obj.Pkg() != nil && !c.nameable(obj) {
			c.problems = append(c.problems, fmt.Sprintf("%s mentions %s", where, describe(obj)))
			return
		}
		c.walk(types.Unalias(u), where)
	case *types.Named:
		obj := u.Obj()
		if obj.Pkg() == nil {
			return // error, comparable
		}
		if !c.nameable(obj) {
			c.problems = append(c.problems, fmt.Sprintf("%s mentions %s", where, describe(obj)))
			return
		}
		for i := 0; i < u.TypeArgs().Len(); i++ {
			c.walk(u.TypeArgs().At(i), where)
		}
		// A nameable named type is checked where it is declared.
	case *types.Pointer:
		c.walk(u.Elem(), where)
	case *types.Slice:
		c.walk(u.Elem(), where)
	case *types.Array:
		c.walk(u.Elem(), where)
	case *types.Map:
		c.walk(u.Key(), where)
		c.walk(u.Elem(), where)
	case *types.Chan:
		c.walk(u.Elem(), where)
	case *types.Signature:
		c.walk(u.Params(), where)
		c.walk(u.Results(), where)
	case *types.Tuple:
		for i := 0; i < u.Len(); i++ {
			c.walk(u.At(i).Type(), where)
		}
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if f := u.Field(i); f.Exported() {
				c.walk(f.Type(), where+"."+f.Name())
			}
		}
	case *types.Interface:
		for i := 0; i < u.NumMethods(); i++ {
			if m := u.Method(i); m.Exported() {
				c.walk(m.Type(), where+"."+m.Name())
			}
		}
	}
}

// nameable reports whether a caller outside the module can name obj's type:
// it is exported and declared in the standard library or a public package of
// this module.
func (c *checker) nameable(obj *types.TypeName) bool {
	if !obj.Exported() {
		return false
	}
	path := obj.Pkg().Path()
	if path == module || strings.HasPrefix(path, module+"/") {
		return !isInternal(path)
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func describe(obj *types.TypeName) string {
	path := obj.Pkg().Path()
	switch {
	case !obj.Exported():
		return fmt.Sprintf("unexported type %s.%s", path, obj.Name())
	case isInternal(path):
		return fmt.Sprintf("internal type %s.%s", path, obj.Name())
	default:
		return fmt.Sprintf("third-party type %s.%s", path, obj.Name())
	}
}
