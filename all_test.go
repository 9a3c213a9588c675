// Package mfaudit_test holds repository-wide guards: the dependency rules
// between packages, checked on every test run.
package mfaudit_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mfaudit/mfaudit"

// allowed lists, per package directory, the non-standard imports its
// non-test files may use. Dependencies point downward only: no package
// imports cmd/, and leaves stay on the standard library.
var allowed = map[string][]string{
	"lockfile": {},
	"gemspec":  {},
	// gemspectest runs Ruby for the oracle tests: the standard library only.
	"gemspec/gemspectest": {},
	"registry":            {"golang.org/x/time/rate", "golang.org/x/sync/errgroup", "github.com/jackc/pgx/v5/pgxpool"},
	"registry/pgtest": {
		module + "/registry",
		"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgtype",
	},
	"report": {
		module + "/lockfile", module + "/registry",
		"github.com/olekukonko/tablewriter", "go.yaml.in/yaml/v3",
	},
	"report/atomicfile": {},
	"campaign": {
		module + "/gemspec", module + "/registry", module + "/report",
		module + "/report/atomicfile",
		"github.com/google/go-github/v62/github", "golang.org/x/sync/errgroup",
	},
	// githubtest is a fake GitHub for tests: the standard library only.
	"campaign/githubtest": {},
	"cmd/mfaudit": {
		module + "/lockfile", module + "/registry", module + "/report",
		module + "/gemspec", module + "/campaign",
		"github.com/spf13/cobra", "golang.org/x/term",
	},
}

func TestImportRules(t *testing.T) {
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		rules, ok := allowed[dir]
		if !ok {
			t.Errorf("%s: package directory %q has no import rule; add one to allowed", path, dir)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		seen++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if isStd(p) {
				continue
			}
			if !contains(rules, p) {
				t.Errorf("%s imports %q, which package %s may not use", path, p, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("no Go files checked")
	}
}

// isStd reports whether an import path belongs to the standard library: its
// first element has no dot.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// contains reports whether import path s is one of list or a package
// inside one of them.
func contains(list []string, s string) bool {
	for _, x := range list {
		if s == x || strings.HasPrefix(s, x+"/") {
			return true
		}
	}
	return false
}
