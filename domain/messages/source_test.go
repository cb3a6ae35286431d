package messages_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/relance/relance/domain/messages"
)

// root is the module's root, from this package's folder.
const root = "../.."

// sourceFiles parses the module's Go files (tests and third_party left
// out) under dir, relative to root.
func sourceFiles(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]*ast.File{}
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && (name == "third_party" || name == "node_modules" || (strings.HasPrefix(name, ".") && path != filepath.Join(root, dir))) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryCodeInTheSourceInEveryLanguage reads every messages.Declare
// call of the module's source (not only the packages this test imports)
// and fails when a code has no French or English sentence, or when its
// sentences' placeholders are not the parameters it declares.
func TestEveryCodeInTheSourceInEveryLanguage(t *testing.T) {
	t.Parallel()
	type declared struct {
		where  string
		params []string
	}
	codes := map[string]declared{}
	for path, f := range sourceFiles(t, ".") {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Declare" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "messages" {
				return true
			}
			var args []string
			for _, a := range call.Args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: messages.Declare takes string literals only, so that this test reads the codes", path)
					return true
				}
				s, _ := strconv.Unquote(lit.Value)
				args = append(args, s)
			}
			if len(args) == 0 {
				t.Errorf("%s: messages.Declare without a code", path)
				return true
			}
			if prev, dup := codes[args[0]]; dup {
				t.Errorf("%s: code %s declared again (first in %s)", path, args[0], prev.where)
			}
			codes[args[0]] = declared{where: path, params: args[1:]}
			return true
		})
	}
	if len(codes) < 150 {
		t.Fatalf("only %d codes found in the source", len(codes))
	}
	for _, lang := range messages.Languages {
		cat := messages.Catalog(lang)
		for code, d := range codes {
			text, ok := cat[messages.Code(code)]
			if !ok {
				t.Errorf("%s (%s): no %s sentence", code, d.where, lang)
				continue
			}
			got, err := placeholders(text)
			if err != nil {
				t.Errorf("%s %s: %v", lang, code, err)
				continue
			}
			want := append([]string(nil), d.params...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s %s: placeholders %v, parameters %v", lang, code, got, want)
			}
		}
		for c := range cat {
			if _, ok := codes[string(c)]; !ok {
				t.Errorf("%s catalog: %s is declared nowhere in the source", lang, c)
			}
		}
	}
}

// regexpsAllowed are the regular expressions of the doors that do not
// translate messages, with why (file: variable).
var regexpsAllowed = map[string]string{
	// History details are recorded by the workflows with ISO dates; the
	// French export writes them DD/MM/YYYY (a date format, not a message).
	"doors/web/export.go:isoDate": "dates of recorded history details, reformatted",
}

// TestNoRegexpTranslatesMessages fails when a door compiles a regular
// expression not listed in regexpsAllowed: what a package finds wrong
// reaches the doors as a code with parameters (messages.Problem), never
// as an English sentence to match.
func TestNoRegexpTranslatesMessages(t *testing.T) {
	t.Parallel()
	for path, f := range sourceFiles(t, "doors") {
		imported := false
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "regexp" {
				imported = true
			}
		}
		if !imported {
			continue
		}
		found := false
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, v := range vs.Values {
					if !usesRegexp(v) || i >= len(vs.Names) {
						continue
					}
					found = true
					if key := path + ":" + vs.Names[i].Name; regexpsAllowed[key] == "" {
						t.Errorf("%s compiles a regular expression: say a problem with its code (messages.Problem), or list it in regexpsAllowed with why it translates nothing", key)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s imports regexp outside package-level variables: say a problem with its code (messages.Problem)", path)
		}
	}
}

// usesRegexp says whether e calls package regexp.
func usesRegexp(e ast.Expr) bool {
	uses := false
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "regexp" {
				uses = true
			}
		}
		return true
	})
	return uses
}
