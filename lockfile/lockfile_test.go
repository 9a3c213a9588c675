package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDir holds real lockfiles; see ORIGIN.md there.
const corpusDir = "../testdata/lockfiles"

// corpusFiles returns the paths of every corpus lockfile.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 26 {
		t.Fatalf("found %d corpus files in %s, want 26", len(files), corpusDir)
	}
	return files
}

// TestCorpusSpecCounts checks every corpus file parses and yields as many
// specs as Bundler's LockfileParser#specs.size (counts from the corpus
// README, measured with Bundler 2.3.15 to 2.6.9).
func TestCorpusSpecCounts(t *testing.T) {
	want := map[string]int{
		"rubygems__rubygems.org__Gemfile.lock":                                341,
		"rails__rails__Gemfile.lock":                                          264,
		"rails__rails__Gemfile.lock@a21c40bb7030.lock":                        220,
		"rails__rails__Gemfile.lock@f849cfe36c58.lock":                        101,
		"huginn__huginn__Gemfile.lock":                                        299,
		"huginn__huginn__Gemfile.lock@9a65b78e24d2.lock":                      251,
		"diaspora__diaspora__Gemfile.lock@36b4076af623.lock":                  324,
		"diaspora__diaspora__Gemfile.lock@b7c6ed264052.lock":                  362,
		"diaspora__diaspora__Gemfile.lock":                                    284,
		"lobsters__lobsters__Gemfile.lock":                                    183,
		"Homebrew__brew__Library-Homebrew-Gemfile.lock":                       77,
		"Homebrew__brew__docs-Gemfile.lock":                                   93,
		"CocoaPods__CocoaPods__Gemfile.lock":                                  119,
		"CocoaPods__CocoaPods__Gemfile.lock@924bae285ffd.lock":                26,
		"CocoaPods__CocoaPods__Gemfile.lock@abd1ccffeb3d.lock":                96,
		"Shopify__ruby-lsp__Gemfile.lock":                                     58,
		"Shopify__ruby-lsp__jekyll-Gemfile.lock":                              66,
		"Shopify__tapioca__Gemfile.lock":                                      161,
		"heartcombo__devise__Gemfile.lock":                                    99,
		"basecamp__kamal__Gemfile.lock":                                       75,
		"socketry__falcon__gems.locked@6e55147e8013.lock":                     61,
		"dependabot__dependabot-core__Gemfile.lock":                           143,
		"chef__chef__Gemfile.lock":                                            188,
		"elastic__logstash__Gemfile.jruby-3.1.lock.release@b21ca98ef345.lock": 280,
		"rubygems__rubygems__tool-bundler-test_gems.rb.lock":                  26,
		"rubyforgood__human-essentials__Gemfile.lock":                         287,
	}
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			lf, err := ParseFile(path)
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expected count for %s", name)
			}
			if len(lf.Specs) != w {
				t.Errorf("got %d specs, want %d", len(lf.Specs), w)
			}
			for _, s := range lf.Specs {
				if s.Source == nil || s.Line <= 0 || s.Version == "" || s.Platform == "" {
					t.Errorf("incomplete spec %+v", *s)
				}
			}
			// Every gem Bundler installs is reachable from DEPENDENCIES.
			for _, s := range lf.Specs {
				if s.Path == nil {
					t.Errorf("%s (line %d) is not reachable from DEPENDENCIES", s.FullName(), s.Line)
				}
			}
		})
	}
}

const smallLock = `GIT
  remote: https://github.com/rails/rails.git
  revision: 0123456789abcdef0123456789abcdef01234567
  branch: main
  specs:
    rails (7.2.0.alpha)
      actionpack (= 7.2.0.alpha)

PATH
  remote: .
  specs:
    mygem (0.1.0)
      nokogiri (>= 1.15, < 2)

GEM
  remote: https://rubygems.org/
  specs:
    actionpack (7.2.0.alpha)
      rack (~> 3.0)
    mini_portile2 (2.8.5)
    nokogiri (1.16.0)
      mini_portile2 (~> 2.8.2)
      racc (~> 1.4)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.3)
    rack (3.0.8)
    orphan (1.0.0.rc1)

PLATFORMS
  ruby
  x86_64-linux

DEPENDENCIES
  mygem!
  rails!
  racc (~> 1.4)

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.3
`

func TestParseSmall(t *testing.T) {
	lf, err := Parse(strings.NewReader(smallLock), "Gemfile.lock")
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Warnings) != 0 {
		t.Errorf("warnings: %v", lf.Warnings)
	}
	if lf.Path != "Gemfile.lock" || lf.RubyVersion != "ruby 3.3.0p0" || lf.BundledWith != "2.5.3" {
		t.Errorf("path %q ruby %q bundled %q", lf.Path, lf.RubyVersion, lf.BundledWith)
	}
	if !slices.Equal(lf.Platforms, []string{"ruby", "x86_64-linux"}) {
		t.Errorf("platforms %q", lf.Platforms)
	}
	if len(lf.Sources) != 3 {
		t.Fatalf("got %d sources", len(lf.Sources))
	}
	git := lf.Sources[0]
	if git.Type != SourceGit || git.Remote() != "https://github.com/rails/rails.git" || git.Branch != "main" ||
		git.Revision != "0123456789abcdef0123456789abcdef01234567" || git.Line != 1 || git.Options["branch"] != "main" {
		t.Errorf("git source %+v", *git)
	}
	if p := lf.Sources[1]; p.Type != SourcePath || p.Remote() != "." {
		t.Errorf("path source %+v", *p)
	}
	if g := lf.Sources[2]; g.Type != SourceRubygems || !slices.Equal(g.Remotes, []string{"https://rubygems.org/"}) || g.Ambiguous() {
		t.Errorf("gem source %+v", *g)
	}

	type row struct {
		full   string
		line   int
		src    SourceType
		direct bool
		path   string
	}
	var got []row
	for _, s := range lf.Specs {
		got = append(got, row{s.FullName(), s.Line, s.Source.Type, s.Direct, strings.Join(s.Path, " > ")})
	}
	want := []row{
		{"rails-7.2.0.alpha", 6, SourceGit, true, "rails"},
		{"mygem-0.1.0", 12, SourcePath, true, "mygem"},
		{"actionpack-7.2.0.alpha", 18, SourceRubygems, false, "rails > actionpack"},
		{"mini_portile2-2.8.5", 20, SourceRubygems, false, "mygem > nokogiri > mini_portile2"},
		{"nokogiri-1.16.0", 21, SourceRubygems, false, "mygem > nokogiri"},
		{"nokogiri-1.16.0-x86_64-linux", 24, SourceRubygems, false, "mygem > nokogiri"},
		{"racc-1.7.3", 26, SourceRubygems, true, "racc"},
		{"rack-3.0.8", 27, SourceRubygems, false, "rails > actionpack > rack"},
		{"orphan-1.0.0.rc1", 28, SourceRubygems, false, ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("specs:\n got %v\nwant %v", got, want)
	}
	if lf.Specs[8].Path != nil {
		t.Errorf("unreachable spec has path %q", lf.Specs[8].Path)
	}
	mygem := lf.Specs[1]
	if len(mygem.Dependencies) != 1 || !slices.Equal(mygem.Dependencies[0].Requirements, []string{">= 1.15", "< 2"}) || mygem.Dependencies[0].Line != 13 {
		t.Errorf("mygem deps %+v", mygem.Dependencies)
	}
	wantDeps := []Dependency{
		{Name: "mygem", Pinned: true, Line: 35},
		{Name: "rails", Pinned: true, Line: 36},
		{Name: "racc", Requirements: []string{"~> 1.4"}, Line: 37},
	}
	if len(lf.Dependencies) != len(wantDeps) {
		t.Fatalf("dependencies %+v", lf.Dependencies)
	}
	for i, d := range lf.Dependencies {
		w := wantDeps[i]
		if d.Name != w.Name || d.Pinned != w.Pinned || d.Line != w.Line || !slices.Equal(d.Requirements, w.Requirements) {
			t.Errorf("dependency %d: got %+v, want %+v", i, d, w)
		}
	}
}

func TestParseFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ParseFile(filepath.Join(dir, "missing.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want ErrNotExist", err)
	}
	var pe *ParseError
	if _, err := ParseFile(dir); !errors.As(err, &pe) || pe.Msg != "not a regular file" {
		t.Errorf("directory: got %v", err)
	}
	big := filepath.Join(dir, "big.lock")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ParseFile(big); err == nil || err.Error() != big+": file is larger than 64 MiB, too large for a lockfile" {
		t.Errorf("big file: got %v", err)
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    string // file name, or "" for an error
		wantErr string
	}{
		{name: "Gemfile", files: []string{"Gemfile", "Gemfile.lock"}, want: "Gemfile.lock"},
		{name: "gems.rb", files: []string{"gems.rb", "gems.locked"}, want: "gems.locked"},
		{name: "gems.rb wins over Gemfile", files: []string{"gems.rb", "gems.locked", "Gemfile", "Gemfile.lock"}, want: "gems.locked"},
		{name: "gems.rb without gems.locked", files: []string{"gems.rb", "Gemfile", "Gemfile.lock"}, wantErr: "has gems.rb but no gems.locked (run bundle lock): no lockfile"},
		{name: "Gemfile without lock", files: []string{"Gemfile"}, wantErr: "has Gemfile but no Gemfile.lock (run bundle lock): no lockfile"},
		{name: "lock without Gemfile", files: []string{"Gemfile.lock"}, want: "Gemfile.lock"},
		{name: "gems.locked without gems.rb", files: []string{"gems.locked", "Gemfile.lock"}, want: "gems.locked"},
		{name: "nothing", files: nil, wantErr: "has no Gemfile.lock or gems.locked: no lockfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Find(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.HasSuffix(err.Error(), tt.wantErr) || !errors.Is(err, ErrNoLockfile) {
					t.Fatalf("got %q, %v; want error ending %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != filepath.Join(dir, tt.want) {
				t.Fatalf("got %q, %v; want %s", got, err, tt.want)
			}
		})
	}
	if _, err := Find(filepath.Join(t.TempDir(), "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing dir: got %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"user and password", "https://user:pass@gems.example.com/", "https://REDACTED@gems.example.com/"},
		{"bare token", "https://TOKEN@gems.example.com/private/", "https://REDACTED@gems.example.com/private/"},
		{"no path", "https://u:p@host", "https://REDACTED@host"},
		{"at in password", "https://u:p@ss@host/x", "https://REDACTED@host/x"},
		{"at in path only", "https://host/a@b", "https://host/a@b"},
		{"at in query only", "https://host?x=a@b", "https://host?x=a@b"},
		{"no credentials", "https://rubygems.org/", "https://rubygems.org/"},
		{"git ssh form untouched", "git@github.com:rails/rails.git", "git@github.com:rails/rails.git"},
		{"ssh URL", "ssh://git@github.com/rails/rails.git", "ssh://REDACTED@github.com/rails/rails.git"},
		{"relative path", "vendor/gems/foo", "vendor/gems/foo"},
		{"empty", "", ""},
		{"empty userinfo", "https://@host/", "https://REDACTED@host/"},
		{"scheme-relative", "//user:pass@host/x", "//REDACTED@host/x"},
		{"path with double slash", "vendor//a@b", "vendor//a@b"},
		{"file URL", "file:///home/me/gems", "file:///home/me/gems"},
		{"bad scheme", "1http://u:p@host/", "1http://u:p@host/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
