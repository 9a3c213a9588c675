package lockfile

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenFiles are the corpus lockfiles whose whole parse, graph paths
// included, is kept in testdata/golden: one per kind of source layout.
var goldenFiles = []string{
	"rubygems__rubygems.org__Gemfile.lock",               // two GEM sections, CHECKSUMS
	"rails__rails__Gemfile.lock@a21c40bb7030.lock",       // GIT with glob, PATH
	"diaspora__diaspora__Gemfile.lock@36b4076af623.lock", // one GEM section, two remotes
	"huginn__huginn__Gemfile.lock@9a65b78e24d2.lock",     // GIT tag, ref and branch
	"socketry__falcon__gems.locked@6e55147e8013.lock",    // gems.locked
}

// dump renders a parse as text, one fact per line.
func dump(lf *Lockfile) string {
	var b strings.Builder
	srcID := map[*Source]int{}
	for i, s := range lf.Sources {
		srcID[s] = i
		fmt.Fprintf(&b, "source %d: line %d %s remotes=%q", i, s.Line, s.Type, s.Remotes)
		for _, kv := range []struct{ k, v string }{{"revision", s.Revision}, {"ref", s.Ref}, {"branch", s.Branch}, {"tag", s.Tag}, {"glob", s.Glob}} {
			if kv.v != "" {
				fmt.Fprintf(&b, " %s=%s", kv.k, kv.v)
			}
		}
		if s.Submodules {
			b.WriteString(" submodules")
		}
		if s.Ambiguous() {
			b.WriteString(" ambiguous")
		}
		b.WriteString("\n")
	}
	for _, s := range lf.Specs {
		fmt.Fprintf(&b, "spec %d: %s source=%d direct=%v path=%q\n", s.Line, s.FullName(), srcID[s.Source], s.Direct, strings.Join(s.Path, " > "))
		for _, d := range s.Dependencies {
			fmt.Fprintf(&b, "  dep %d: %s %q\n", d.Line, d.Name, d.Requirements)
		}
	}
	for _, d := range lf.Dependencies {
		fmt.Fprintf(&b, "dependency %d: %s %q pinned=%v\n", d.Line, d.Name, d.Requirements, d.Pinned)
	}
	for _, c := range lf.Checksums {
		fmt.Fprintf(&b, "checksum %d: %s %s %s %q\n", c.Line, c.Name, c.Version, c.Platform, c.Sums)
	}
	fmt.Fprintf(&b, "platforms: %q\nruby: %q\nbundled with: %q\n", lf.Platforms, lf.RubyVersion, lf.BundledWith)
	for _, w := range lf.Warnings {
		fmt.Fprintf(&b, "warning %d: %s\n", w.Line, w.Msg)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, name := range goldenFiles {
		t.Run(name, func(t *testing.T) {
			lf, err := ParseFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatal(err)
			}
			got := dump(lf)
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\n got %s\nwant %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length: got %d lines, want %d", golden, len(gl), len(wl))
			}
		})
	}
}
