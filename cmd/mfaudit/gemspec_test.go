package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newTestEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		getenv: func(string) string { return "" },
		now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}, &out, &errOut
}

const (
	requiredSpec = "Gem::Specification.new do |s|\n  s.name = \"good\"\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\nend\n"
	missingSpec  = "Gem::Specification.new do |s|\n  s.name = \"bad\"\n  s.version = \"1.0\"\n  s.metadata = {\n    \"homepage_uri\" => \"https://example.com\"\n  }\nend\n"
	optedOutSpec = "Gem::Specification.new do |s|\n  s.name = \"off\"\n  s.metadata['rubygems_mfa_required'] = 'false'\nend\n"
	brokenSpec   = "Gem::Specification.new do |s|\n  s.name = \"broken\n"
	privateSpec  = "Gem::Specification.new do |s|\n  s.name = \"private\"\n  s.metadata[\"allowed_push_host\"] = \"https://gems.example.com\"\nend\n"
)

// writeFiles creates files (name -> content) in a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGemspecCheckExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		args       []string // relative to the directory; nil means none
		want       int
		wantStdout string
		wantStderr string
	}{
		{name: "default directory all required", files: map[string]string{"good.gemspec": requiredSpec}, want: exitOK, wantStdout: "good.gemspec:3  good  required"},
		{name: "missing", files: map[string]string{"good.gemspec": requiredSpec, "bad.gemspec": missingSpec}, want: exitFindings, wantStdout: "bad.gemspec:1   bad   missing"},
		{name: "opted out", files: map[string]string{"off.gemspec": optedOutSpec}, args: []string{"off.gemspec"}, want: exitFindings, wantStdout: "opted-out"},
		{name: "directory argument", files: map[string]string{"sub/bad.gemspec": missingSpec}, args: []string{"sub"}, want: exitFindings, wantStdout: "sub/bad.gemspec:1"},
		{name: "not published to rubygems.org", files: map[string]string{"private.gemspec": privateSpec}, want: exitOK, wantStdout: "skipped"},
		{name: "template given explicitly", files: map[string]string{"x.gemspec.tt": "<%= x %>"}, args: []string{"x.gemspec.tt"}, want: exitOK, wantStdout: "a template"},
		{name: "cannot be understood", files: map[string]string{"broken.gemspec": brokenSpec}, want: exitError, wantStderr: "broken.gemspec:2: string starting here is never closed"},
		{name: "error wins over findings", files: map[string]string{"broken.gemspec": brokenSpec, "bad.gemspec": missingSpec}, want: exitError, wantStdout: "missing"},
		{name: "no such file", files: map[string]string{}, args: []string{"nope.gemspec"}, want: exitError, wantStderr: "nope.gemspec: no such file"},
		{name: "no gemspec in directory", files: map[string]string{"README.md": "x"}, want: exitError, wantStderr: "no *.gemspec file"},
		{name: "bad format", files: map[string]string{"good.gemspec": requiredSpec}, args: []string{"--format", "xml"}, want: exitUsage, wantStderr: `unknown --format "xml"`},
		{name: "unknown flag", files: map[string]string{"good.gemspec": requiredSpec}, args: []string{"--nope"}, want: exitUsage, wantStderr: "unknown flag: --nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(writeFiles(t, tt.files))
			e, out, errOut := newTestEnv()
			got := run(context.Background(), append([]string{"gemspec", "check"}, tt.args...), e)
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, out, errOut)
			}
			if !strings.Contains(out.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, out)
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, errOut)
			}
		})
	}
}

func TestGemspecUnknownSubcommand(t *testing.T) {
	e, _, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "chek"}, e); got != exitUsage {
		t.Errorf("exit %d, want %d (%s)", got, exitUsage, errOut)
	}
}

func TestGemspecCheckJSON(t *testing.T) {
	t.Chdir(writeFiles(t, map[string]string{
		"good.gemspec":    requiredSpec,
		"bad.gemspec":     missingSpec,
		"off.gemspec":     optedOutSpec,
		"private.gemspec": privateSpec,
		"broken.gemspec":  brokenSpec,
	}))
	e, out, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "check", "--format", "json"}, e); got != exitError {
		t.Errorf("exit %d, want %d", got, exitError)
	}
	if !strings.Contains(errOut.String(), "mfaudit: broken.gemspec:2: string starting here is never closed") {
		t.Errorf("stderr does not name the unreadable file:\n%s", errOut)
	}
	var rep checkReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	want := checkSummary{Files: 5, Specs: 4, Protected: 1, Unprotected: 2, Skipped: 1, Errors: 1}
	if rep.Summary != want {
		t.Errorf("summary %+v, want %+v", rep.Summary, want)
	}
	byPath := map[string]checkFile{}
	for _, f := range rep.Gemspecs {
		byPath[f.Path] = f
	}
	if f := byPath["broken.gemspec"]; !strings.Contains(f.Error, "broken.gemspec:2:") {
		t.Errorf("broken.gemspec error = %q", f.Error)
	}
	off := byPath["off.gemspec"].Specs
	if len(off) != 1 || off[0].State != "opted-out" || off[0].Value == nil || *off[0].Value != "false" || off[0].StateLine != 3 || off[0].Protected {
		t.Errorf("off.gemspec specs = %+v", off)
	}
	bad := byPath["bad.gemspec"].Specs
	if len(bad) != 1 || bad[0].Name != "bad" || bad[0].Variable != "s" || bad[0].State != "missing" || bad[0].Value != nil {
		t.Errorf("bad.gemspec specs = %+v", bad)
	}
	priv := byPath["private.gemspec"].Specs
	if len(priv) != 1 || priv[0].Skip == nil || priv[0].Skip.Kind != "push-host" {
		t.Errorf("private.gemspec specs = %+v", priv)
	}
}

func TestGemspecCheckSanitizes(t *testing.T) {
	evil := "Gem::Specification.new do |s|\n  s.name = \"evil\x1b[2J\u202e\"\nend\n"
	t.Chdir(writeFiles(t, map[string]string{"evil.gemspec": evil}))
	for _, format := range []string{"table", "json"} {
		e, out, _ := newTestEnv()
		if got := run(context.Background(), []string{"gemspec", "check", "--format", format}, e); got != exitFindings {
			t.Errorf("%s: exit %d, want %d", format, got, exitFindings)
		}
		if strings.Contains(out.String(), "\x1b") || strings.Contains(out.String(), "\u202e") {
			t.Errorf("%s: control characters reached the output:\n%q", format, out)
		}
		if !strings.Contains(out.String(), "evil^[[2J<U+202E>") {
			t.Errorf("%s: the name is not shown escaped:\n%s", format, out)
		}
	}
}

func TestGemspecFix(t *testing.T) {
	dir := writeFiles(t, map[string]string{"bad.gemspec": missingSpec})
	t.Chdir(dir)
	if err := os.Chmod("bad.gemspec", 0o640); err != nil {
		t.Fatal(err)
	}

	// --diff prints the change and writes nothing.
	e, out, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix", "--diff"}, e); got != exitOK {
		t.Fatalf("fix --diff: exit %d (%s)", got, errOut)
	}
	wantDiff := "--- a/bad.gemspec\n+++ b/bad.gemspec\n@@ -2,6 +2,7 @@\n" +
		"   s.name = \"bad\"\n   s.version = \"1.0\"\n   s.metadata = {\n" +
		"-    \"homepage_uri\" => \"https://example.com\"\n" +
		"+    \"homepage_uri\" => \"https://example.com\",\n" +
		"+    \"rubygems_mfa_required\" => \"true\"\n" +
		"   }\n end\n"
	if out.String() != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", out, wantDiff)
	}
	if !strings.Contains(errOut.String(), "bad.gemspec:5: bad: would add rubygems_mfa_required") {
		t.Errorf("stderr: %s", errOut)
	}
	if b, _ := os.ReadFile("bad.gemspec"); string(b) != missingSpec {
		t.Fatal("--diff changed the file")
	}

	// fix writes the file, keeping its mode.
	e, out, errOut = newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix", "bad.gemspec"}, e); got != exitOK {
		t.Fatalf("fix: exit %d (%s)", got, errOut)
	}
	if !strings.Contains(out.String(), "bad.gemspec:5: bad: added rubygems_mfa_required = \"true\"") {
		t.Errorf("stdout: %s", out)
	}
	b, err := os.ReadFile("bad.gemspec")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "    \"rubygems_mfa_required\" => \"true\"\n  }") {
		t.Errorf("file after fix:\n%s", b)
	}
	if fi, _ := os.Stat("bad.gemspec"); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(".*tmp*"); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Fixing again changes nothing and passes check.
	e, out, _ = newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix"}, e); got != exitOK {
		t.Fatalf("second fix: exit %d", got)
	}
	if !strings.Contains(out.String(), "already requires MFA") {
		t.Errorf("second fix stdout: %s", out)
	}
	if b2, _ := os.ReadFile("bad.gemspec"); !bytes.Equal(b, b2) {
		t.Error("second fix changed the file")
	}
	e, _, _ = newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "check"}, e); got != exitOK {
		t.Errorf("check after fix: exit %d", got)
	}
}

const (
	two            = "Gem::Specification.new do |s|\n  s.name = \"a\"\nend\nGem::Specification.new do |s|\n  s.name = \"b\"\nend\n"
	twoOneRequired = "Gem::Specification.new do |s|\n  s.name = \"a\"\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\nend\nGem::Specification.new do |s|\n  s.name = \"b\"\nend\n"
	twoOnePrivate  = "Gem::Specification.new do |s|\n  s.name = \"a\"\n  s.metadata[\"allowed_push_host\"] = \"https://gems.example.com\"\nend\nGem::Specification.new do |s|\n  s.name = \"b\"\nend\n"
)

func TestGemspecFixExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		args       []string
		want       int
		changed    []string // files expected to change
		wantOutput string
	}{
		{name: "opted out is kept", files: map[string]string{"off.gemspec": optedOutSpec}, want: exitFindings, wantOutput: "not fixed: opted out"},
		{name: "override opt-out", files: map[string]string{"off.gemspec": optedOutSpec}, args: []string{"--override-opt-out"}, want: exitOK, changed: []string{"off.gemspec"}, wantOutput: `changed "false" to "true"`},
		{name: "cannot be understood", files: map[string]string{"broken.gemspec": brokenSpec, "bad.gemspec": missingSpec}, want: exitError, changed: []string{"bad.gemspec"}, wantOutput: "broken.gemspec:2:"},
		{name: "skipped is unfixed", files: map[string]string{"private.gemspec": privateSpec}, want: exitFindings, wantOutput: "a server other than RubyGems.org, so the gem is not published there"},
		{name: "ambiguous file", files: map[string]string{"two.gemspec": two}, want: exitFindings, wantOutput: "choose one"},
		{name: "by name, the other spec still lacks the flag", files: map[string]string{"two.gemspec": two, "bad.gemspec": missingSpec}, args: []string{"--name", "b"}, want: exitFindings, changed: []string{"two.gemspec"}, wantOutput: `two.gemspec:1: a: not fixed: does not require MFA (missing); fix edits only "b" in this file unless --all is given`},
		{name: "by name, the other spec is protected", files: map[string]string{"two.gemspec": twoOneRequired, "bad.gemspec": missingSpec}, args: []string{"--name", "b"}, want: exitOK, changed: []string{"two.gemspec"}},
		{name: "named like the file, the other spec still lacks the flag", files: map[string]string{"b.gemspec": two}, want: exitFindings, changed: []string{"b.gemspec"}, wantOutput: "b.gemspec:1: a: not fixed"},
		{name: "named like the file, the other spec is not published", files: map[string]string{"b.gemspec": twoOnePrivate}, want: exitOK, changed: []string{"b.gemspec"}},
		{name: "all", files: map[string]string{"two.gemspec": two}, args: []string{"--all"}, want: exitOK, changed: []string{"two.gemspec"}},
		{name: "unknown name", files: map[string]string{"two.gemspec": two}, args: []string{"--name", "c"}, want: exitError, wantOutput: `no gemspec defines a gem named "c"`},
		{name: "all and name", files: map[string]string{"two.gemspec": two}, args: []string{"--all", "--name", "a"}, want: exitUsage, wantOutput: "cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(writeFiles(t, tt.files))
			e, out, errOut := newTestEnv()
			got := run(context.Background(), append([]string{"gemspec", "fix"}, tt.args...), e)
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, out, errOut)
			}
			if all := out.String() + errOut.String(); !strings.Contains(all, tt.wantOutput) {
				t.Errorf("output lacks %q:\n%s", tt.wantOutput, all)
			}
			for name, content := range tt.files {
				b, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				changed := string(b) != content
				want := false
				for _, c := range tt.changed {
					want = want || c == name
				}
				if changed != want {
					t.Errorf("%s changed = %v, want %v:\n%s", name, changed, want, b)
				}
			}
		})
	}
}

func TestGemspecFixFollowsSymlink(t *testing.T) {
	dir := writeFiles(t, map[string]string{"real/bad.gemspec": missingSpec})
	t.Chdir(dir)
	if err := os.Symlink(filepath.Join("real", "bad.gemspec"), "bad.gemspec"); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	e, _, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix", "bad.gemspec"}, e); got != exitOK {
		t.Fatalf("exit %d: %s", got, errOut)
	}
	fi, err := os.Lstat("bad.gemspec")
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(filepath.Join("real", "bad.gemspec"))
	if !strings.Contains(string(b), "rubygems_mfa_required") {
		t.Errorf("target not fixed:\n%s", b)
	}
}

// TestGemspecVendoredByProjectPath checks that only directories inside the
// project (the working directory) make a gemspec vendored: a gem whose own
// checkout lives under some ".../vendor/..." directory is still judged when
// named by an absolute path, as CI jobs name $GITHUB_WORKSPACE.
func TestGemspecVendoredByProjectPath(t *testing.T) {
	root := writeFiles(t, map[string]string{"vendor/mygem/mygem.gemspec": missingSpec})
	gem := filepath.Join(root, "vendor", "mygem")
	tests := []struct {
		name string
		cwd  string
		args []string
		want int
	}{
		{name: "absolute file, inside the project", cwd: gem, args: []string{filepath.Join(gem, "mygem.gemspec")}, want: exitFindings},
		{name: "absolute directory, inside the project", cwd: gem, args: []string{gem}, want: exitFindings},
		{name: "the project's current directory", cwd: gem, args: nil, want: exitFindings},
		{name: "vendored copy inside the project", cwd: root, args: []string{filepath.Join("vendor", "mygem")}, want: exitOK},
		{name: "vendored copy by absolute path", cwd: root, args: []string{gem}, want: exitOK},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"check", "fix"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				t.Chdir(tt.cwd)
				e, out, errOut := newTestEnv()
				args := append([]string{"gemspec", cmd}, tt.args...)
				if cmd == "fix" {
					args = append(args, "--diff")
				}
				want := tt.want
				if cmd == "fix" {
					// fix exits 0 when it can make the edit, 3 when it
					// skips the file.
					want = map[int]int{exitFindings: exitOK, exitOK: exitFindings}[tt.want]
				}
				if got := run(context.Background(), args, e); got != want {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, want, out, errOut)
				}
				if vendored := strings.Contains(out.String()+errOut.String(), "vendored"); vendored != (tt.want == exitOK) {
					t.Errorf("vendored skip %v, want %v\nstdout:\n%s\nstderr:\n%s", vendored, tt.want == exitOK, out, errOut)
				}
			})
		}
	}
}

// TestGemspecFixOthersOnStderr checks that fix without --all, which edits
// one specification of a file, names on stderr the others that still lack
// the flag and exits 3, and that --all then fixes them and exits 0.
func TestGemspecFixOthersOnStderr(t *testing.T) {
	three := two + "Gem::Specification.new do |s|\n  s.name = \"c\"\n  s.metadata[\"rubygems_mfa_required\"] = \"false\"\nend\n"
	t.Chdir(writeFiles(t, map[string]string{"b.gemspec": three}))
	for _, diff := range []bool{true, false} {
		e, out, errOut := newTestEnv()
		args := []string{"gemspec", "fix"}
		if diff {
			args = append(args, "--diff")
		}
		if got := run(context.Background(), args, e); got != exitFindings {
			t.Fatalf("diff=%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", diff, got, exitFindings, out, errOut)
		}
		for _, want := range []string{
			`b.gemspec:1: a: not fixed: does not require MFA (missing); fix edits only "b" in this file unless --all is given`,
			`b.gemspec:7: c: not fixed: does not require MFA (opted-out); fix edits only "b" in this file unless --all is given`,
		} {
			if !strings.Contains(errOut.String(), want) {
				t.Errorf("diff=%v: stderr lacks %q:\n%s", diff, want, errOut)
			}
		}
		if strings.Contains(out.String(), "not fixed") {
			t.Errorf("diff=%v: the unchosen specs went to stdout:\n%s", diff, out)
		}
	}
	e, out, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix", "--all", "--override-opt-out"}, e); got != exitOK {
		t.Fatalf("--all: exit %d\nstdout:\n%s\nstderr:\n%s", got, out, errOut)
	}
	if errOut.Len() > 0 {
		t.Errorf("--all: stderr:\n%s", errOut)
	}
	e, _, _ = newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix"}, e); got != exitOK {
		t.Errorf("fix after --all: exit %d, want 0", got)
	}
}

const (
	finoGemspec = "require_relative \"lib/fino/version\"\nrequire_relative \"lib/fino/metadata\"\n\n" +
		"Gem::Specification.new do |spec|\n  spec.name     = \"fino-solid\"\n  spec.version  = Fino::VERSION\n" +
		"  spec.homepage = \"https://github.com/eiskrenkov/fino\"\n\n  Fino.metadata(spec)\n\n  spec.require_paths = [\"lib\"]\nend\n"
	finoVersion  = "module Fino\n  VERSION = \"1.6.0\"\nend\n"
	finoRequired = "require_relative \"version\"\n\nmodule Fino\n  module_function\n\n  def metadata(spec)\n" +
		"    spec.metadata[\"source_code_uri\"]       = spec.homepage\n    spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n  end\nend\n"
	finoOther = "module Fino\n  def self.metadata(spec)\n    spec.metadata[\"source_code_uri\"] = spec.homepage\n  end\nend\n"
)

// TestGemspecHelperInAnotherFile checks that check and fix follow a
// helper the specification is handed to, in a file of the project, and
// never read outside the project.
func TestGemspecHelperInAnotherFile(t *testing.T) {
	t.Run("the helper sets the flag", func(t *testing.T) {
		t.Chdir(writeFiles(t, map[string]string{"fino-solid.gemspec": finoGemspec, "lib/fino/version.rb": finoVersion, "lib/fino/metadata.rb": finoRequired}))
		e, out, errOut := newTestEnv()
		if got := run(context.Background(), []string{"gemspec", "check"}, e); got != exitOK {
			t.Fatalf("check: exit %d\n%s%s", got, out, errOut)
		}
		if want := `fino-solid.gemspec:9  fino-solid  required  rubygems_mfa_required is "true", set by Fino.metadata(spec) in lib/fino/metadata.rb:8`; !strings.Contains(out.String(), want) {
			t.Errorf("check stdout lacks %q:\n%s", want, out)
		}
		e, out, errOut = newTestEnv()
		if got := run(context.Background(), []string{"gemspec", "fix"}, e); got != exitOK {
			t.Fatalf("fix: exit %d\n%s%s", got, out, errOut)
		}
		if want := `fino-solid.gemspec:9: fino-solid: already requires MFA (rubygems_mfa_required is "true", set by Fino.metadata(spec) in lib/fino/metadata.rb:8)`; !strings.Contains(out.String(), want) {
			t.Errorf("fix stdout lacks %q:\n%s", want, out)
		}
		if b, _ := os.ReadFile("fino-solid.gemspec"); string(b) != finoGemspec {
			t.Errorf("fix edited the gemspec:\n%s", b)
		}
	})
	t.Run("the helper sets other metadata", func(t *testing.T) {
		t.Chdir(writeFiles(t, map[string]string{"fino-solid.gemspec": finoGemspec, "lib/fino/version.rb": finoVersion, "lib/fino/metadata.rb": finoOther}))
		e, out, errOut := newTestEnv()
		if got := run(context.Background(), []string{"gemspec", "fix"}, e); got != exitOK {
			t.Fatalf("fix: exit %d\n%s%s", got, out, errOut)
		}
		b, _ := os.ReadFile("fino-solid.gemspec")
		if want := "  Fino.metadata(spec)\n  spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n"; !strings.Contains(string(b), want) {
			t.Errorf("the line does not follow the helper call:\n%s", b)
		}
	})

	// A helper outside the project is not read: the project is the
	// working directory, or the directory given when it is outside it.
	outside := "require_relative \"../shared/fino_metadata\"\n\nGem::Specification.new do |spec|\n  spec.name = \"fino\"\n  Fino.metadata(spec)\nend\n"
	root := writeFiles(t, map[string]string{"proj/fino.gemspec": outside, "shared/fino_metadata.rb": finoRequired})
	tests := []struct {
		name   string
		cwd    string
		args   []string
		want   int
		detail string
	}{
		{name: "working directory is the gem", cwd: filepath.Join(root, "proj"), want: exitFindings, detail: "../shared/fino_metadata.rb (line 1) cannot be read: ../shared/fino_metadata.rb is outside the project"},
		{name: "directory given outside the working directory", cwd: t.TempDir(), args: []string{filepath.Join(root, "proj")}, want: exitFindings, detail: "is outside the project"},
		{name: "working directory holds both", cwd: root, args: []string{"proj"}, want: exitOK, detail: "set by Fino.metadata(spec) in ../shared/fino_metadata.rb:8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(tt.cwd)
			e, out, errOut := newTestEnv()
			if got := run(context.Background(), append([]string{"gemspec", "check"}, tt.args...), e); got != tt.want {
				t.Errorf("exit %d, want %d\n%s%s", got, tt.want, out, errOut)
			}
			if !strings.Contains(out.String(), tt.detail) {
				t.Errorf("stdout lacks %q:\n%s", tt.detail, out)
			}
		})
	}

	t.Run("a symbolic link out of the project", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"proj/fino.gemspec": "require_relative \"lib/fino_metadata\"\n\nGem::Specification.new do |spec|\n  spec.name = \"fino\"\n  Fino.metadata(spec)\nend\n", "shared/fino_metadata.rb": finoRequired})
		if err := os.MkdirAll(filepath.Join(dir, "proj", "lib"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "shared", "fino_metadata.rb"), filepath.Join(dir, "proj", "lib", "fino_metadata.rb")); err != nil {
			t.Skip("symlinks unavailable:", err)
		}
		t.Chdir(filepath.Join(dir, "proj"))
		e, out, errOut := newTestEnv()
		if got := run(context.Background(), []string{"gemspec", "check"}, e); got != exitFindings {
			t.Errorf("exit %d, want %d\n%s%s", got, exitFindings, out, errOut)
		}
		if !strings.Contains(out.String(), "computed") || !strings.Contains(out.String(), "lib/fino_metadata.rb (line 1) cannot be read") {
			t.Errorf("the link was followed out of the project:\n%s", out)
		}
	})
}

// TestGemspecBarePushHost checks that RubyGems.org written as a bare host
// is judged and fixed, with a note, and another bare host is skipped.
func TestGemspecBarePushHost(t *testing.T) {
	bare := "Gem::Specification.new do |spec|\n  spec.name = \"yus\"\n  spec.metadata['allowed_push_host'] = 'RubyGems.org'\nend\n"
	other := "Gem::Specification.new do |spec|\n  spec.name = \"pass_client\"\n  spec.metadata[\"allowed_push_host\"] = \"gems.ncsasports.org\"\nend\n"
	t.Chdir(writeFiles(t, map[string]string{"yus.gemspec": bare, "pass_client.gemspec": other}))
	e, out, errOut := newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "check"}, e); got != exitFindings {
		t.Errorf("check: exit %d, want %d\n%s%s", got, exitFindings, out, errOut)
	}
	for _, want := range []string{
		`missing  nothing sets metadata["rubygems_mfa_required"]; note: allowed_push_host is "RubyGems.org", a bare host rather than a URL`,
		`pass_client  skipped  `,
		`allowed_push_host is "gems.ncsasports.org", a host other than RubyGems.org, so the gem is not published there`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check stdout lacks %q:\n%s", want, out)
		}
	}
	e, out, errOut = newTestEnv()
	if got := run(context.Background(), []string{"gemspec", "fix", "yus.gemspec"}, e); got != exitOK {
		t.Errorf("fix: exit %d, want 0\n%s%s", got, out, errOut)
	}
	if want := `yus.gemspec:1: yus: note: allowed_push_host is "RubyGems.org", a bare host rather than a URL: RubyGems compares it with the push URL's scheme and host and expects "https://rubygems.org"`; !strings.Contains(out.String(), want) {
		t.Errorf("fix stdout lacks %q:\n%s", want, out)
	}
	if b, _ := os.ReadFile("yus.gemspec"); !strings.Contains(string(b), "spec.metadata['rubygems_mfa_required'] = 'true'") {
		t.Errorf("not fixed:\n%s", b)
	}
}
