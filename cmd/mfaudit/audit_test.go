package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/registry/pgtest"
	"github.com/mfaudit/mfaudit/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	// A benchmark measuring a whole process runs the command line in a
	// child: the test binary with this variable set and the arguments
	// after "--".
	if report := os.Getenv(cliChildEnv); report != "" {
		os.Exit(runCLIChild(report))
	}
	// Keep the default cache directory of every run inside the test.
	dir, err := os.MkdirTemp("", "mfaudit-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	os.Setenv("HOME", dir)
	code := pgtest.Main(m) // runs the tests; stops the PostgreSQL server they started
	os.RemoveAll(dir)
	os.Exit(code)
}

// testNow is the clock of every test run: allowlist expiry depends on it.
var testNow = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// terminal describes the streams a test run pretends to have.
type terminal struct {
	stdoutTTY, stderrTTY bool
	width                int // stdout's width in columns, when a terminal
	env                  map[string]string
}

// runCLI runs mfaudit in-process and returns its stdout, stderr and exit code.
func runCLI(t *testing.T, term terminal, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:       strings.NewReader(""),
		stdout:      &stdout,
		stderr:      &stderr,
		stdoutTTY:   term.stdoutTTY,
		stderrTTY:   term.stderrTTY,
		stdoutWidth: term.width,
		getenv:      func(k string) string { return term.env[k] },
		now:         func() time.Time { return testNow },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := run(ctx, args, e)
	return stdout.String(), stderr.String(), code
}

// checkGolden compares got with testdata/golden/name, or rewrites the file
// with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	want, err := os.ReadFile(path)
	if *update {
		if err != nil || string(want) != got {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run go test -update to accept):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// appRegistry is the registry app.lock is audited against: one gem per
// verdict and twist.
func appRegistry(t *testing.T) *fakeRegistry {
	flag := func(v string) map[string]string { return map[string]string{"rubygems_mfa_required": v} }
	return newFakeRegistry(t, map[string]*fakeGem{
		"protected-gem": {Builds: []fakeBuild{
			{Number: "3.1.0", Platform: "ruby", Metadata: map[string]string{"rubygems_mfa_required": "true", "source_code_uri": "https://github.com/acme/protected-gem"}, Downloads: 5000},
			{Number: "3.0.0", Platform: "ruby", Downloads: 9000},
		}},
		"rack": {Builds: []fakeBuild{
			{Number: "3.1.0", Platform: "ruby", Metadata: flag("true"), Downloads: 1000},
			{Number: "3.0.8", Platform: "ruby", Downloads: 2000},
		}},
		"nokogiri": {Builds: []fakeBuild{
			{Number: "1.16.5", Platform: "ruby", Downloads: 100},
			{Number: "1.16.0", Platform: "x86_64-linux", Downloads: 100},
			{Number: "1.16.0", Platform: "ruby", Downloads: 100},
		}},
		"opted-out": {Builds: []fakeBuild{
			{Number: "2.0.0", Platform: "ruby", Metadata: flag("false"), Downloads: 10},
			{Number: "1.0.0", Platform: "ruby", Metadata: flag("true"), Downloads: 10},
		}},
		"popular": {Builds: []fakeBuild{
			{Number: "5.0.0", Platform: "ruby", Downloads: 250_000_000},
		}},
		"prerelease-only": {Builds: []fakeBuild{
			{Number: "0.1.0.beta1", Platform: "ruby", Prerelease: true, Metadata: flag("true"), Downloads: 3},
		}},
		"yanked": {Builds: []fakeBuild{
			{Number: "1.0.0", Platform: "ruby", Metadata: flag("true"), Downloads: 7},
		}},
		// Served, but must never be asked for: they come from GIT and
		// another gem server in app.lock.
		"widget":      {Builds: []fakeBuild{{Number: "0.1.0", Platform: "ruby", Metadata: flag("true")}}},
		"private-gem": {Builds: []fakeBuild{{Number: "1.0.0", Platform: "ruby", Metadata: flag("true")}}},
	})
}

func demoRegistryURL(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "registry"))
	if err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(dir)
}

const demoLock = "../../testdata/demo/Gemfile.lock"

// TestAuditGolden runs the command line in-process for every format and
// every exit code and compares stdout with a golden file.
func TestAuditGolden(t *testing.T) {
	fr := appRegistry(t)
	failing := newFakeRegistry(t, map[string]*fakeGem{
		"rack":  {Builds: []fakeBuild{{Number: "3.0.8", Platform: "ruby", Metadata: map[string]string{"rubygems_mfa_required": "true"}}}},
		"flaky": {Status: 403},
	})
	reg := fr.URL()
	tests := []struct {
		name     string
		args     []string
		registry *fakeRegistry // whose URL is normalised in the output
		exit     int
		golden   string
		stderr   []string // substrings stderr must contain
		// quietStderr: the table on stdout says it all; stderr stays empty.
		quietStderr bool
	}{
		{name: "demo table", args: []string{"audit", "--registry-url", demoRegistryURL(t), demoLock}, exit: 3, golden: "demo.table", quietStderr: true},
		{name: "demo table with allowlist notes", args: []string{"audit", "--registry-url", demoRegistryURL(t), "--allowlist", "testdata/allow.yml", demoLock}, exit: 3, golden: "demo-allowlist.table", quietStderr: true},
		{name: "demo json", args: []string{"audit", "--registry-url", demoRegistryURL(t), "--format", "json", demoLock}, exit: 3, golden: "demo.json"},
		{name: "app json", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app.json"},
		{name: "app table", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "table", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app.table", quietStderr: true},
		{name: "app sarif", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "sarif", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app.sarif",
			stderr: []string{"mfaudit: 5 finding(s) fail the gate (--fail-on unprotected,unknown)"}},
		{name: "app markdown", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "markdown", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app.md", quietStderr: true},
		{name: "app github", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "github", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app.github", quietStderr: true},
		{name: "gate off", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--fail-on", "none", "testdata/app.lock"}, registry: fr, exit: 0, golden: "app-fail-on-none.json"},
		{name: "gate on partial only", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--fail-on", "partial", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app-fail-on-partial.json",
			stderr: []string{"1 finding(s) fail the gate (--fail-on partial)"}},
		{name: "gate on not_covered, quiet", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--fail-on", "not_covered", "--quiet", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app-fail-on-not-covered.json"},
		{name: "only direct", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--only", "direct", "--fail-on", "none", "testdata/app.lock"}, registry: fr, exit: 0, golden: "app-only-direct.json"},
		{name: "allowlist", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--allowlist", "testdata/allow.yml", "testdata/app.lock"}, registry: fr, exit: 0, golden: "app-allowlist.json",
			stderr: []string{
				"testdata/allow.yml:13: allowlist entry for popular expired on 2026-01-31 and no longer allows it",
				"testdata/allow.yml:16: allowlist entry for rails matches nothing that needs it; remove it",
			}},
		{name: "allowlist, expired entry fails the gate", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", reg, "--format", "json", "--allowlist", "testdata/allow.yml", "--fail-on", "unprotected,partial,unknown", "testdata/app.lock"}, registry: fr, exit: 3, golden: "app-allowlist-partial.json",
			stderr: []string{"1 finding(s) fail the gate (--fail-on unprotected,partial,unknown)"}},
		{name: "incomplete audit", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", failing.URL(), "--format", "json", "--fail-on", "none", "testdata/incomplete.lock"}, registry: failing, exit: 1, golden: "incomplete.json",
			stderr: []string{"mfaudit: audit incomplete: the lookup of 1 gem(s) failed; they are reported as unknown"}},
		{name: "incomplete audit wins over the gate", args: []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", failing.URL(), "--format", "json", "testdata/incomplete.lock"}, registry: failing, exit: 1, golden: "incomplete-gate.json",
			stderr: []string{"mfaudit: audit incomplete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, terminal{}, tt.args...)
			if tt.registry != nil {
				stdout = strings.ReplaceAll(stdout, tt.registry.URL(), "REGISTRY")
				stderr = strings.ReplaceAll(stderr, tt.registry.URL(), "REGISTRY")
			}
			if code != tt.exit {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.exit, stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if (tt.quietStderr || strings.Contains(tt.name, "quiet")) && stderr != "" {
				t.Errorf("--quiet printed on stderr: %q", stderr)
			}
			checkGolden(t, tt.golden, stdout)
		})
	}
	// GIT and other gem servers are never sent to the registry.
	for _, p := range []string{"/api/v1/versions/widget.json", "/api/v1/versions/private-gem.json", "/api/v1/versions/app.json"} {
		if n := fr.requests(p); n != 0 {
			t.Errorf("%s was requested %d times; it is not a RubyGems.org gem in app.lock", p, n)
		}
	}
}

// TestAuditEveryFormatHasAGolden keeps the golden table above in step with
// the formats the renderers offer.
func TestAuditEveryFormatHasAGolden(t *testing.T) {
	for _, f := range report.Formats() {
		ext := map[string]string{"markdown": "md"}[f]
		if ext == "" {
			ext = f
		}
		if _, err := os.Stat(filepath.Join("testdata", "golden", "app."+ext)); err != nil {
			t.Errorf("format %s has no golden file: %v", f, err)
		}
	}
}

func TestAuditJSONMatchesVerdicts(t *testing.T) {
	fr := appRegistry(t)
	stdout, stderr, code := runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "testdata/app.lock")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, platform string
		status         report.Status
		locked         string // "true", "false" or "null"
	}{
		{"widget", "ruby", report.NotCovered, "null"},
		{"app", "ruby", report.NotCovered, "null"},
		{"ghost", "ruby", report.Unknown, "null"},
		{"nokogiri", "ruby", report.Unprotected, "false"},
		{"nokogiri", "x86_64-linux", report.Unprotected, "false"},
		{"opted-out", "ruby", report.Unprotected, "false"},
		{"popular", "ruby", report.Partial, "false"},
		{"prerelease-only", "ruby", report.Unprotected, "true"},
		{"protected-gem", "ruby", report.Protected, "true"},
		{"rack", "ruby", report.Protected, "false"},
		{"yanked", "ruby", report.Protected, "null"},
		{"private-gem", "ruby", report.NotCovered, "null"},
	}
	gems := r.Lockfiles[0].Gems
	if len(gems) != len(want) {
		t.Fatalf("%d findings, want %d", len(gems), len(want))
	}
	for i, w := range want {
		f := gems[i]
		if f.Name != w.name || f.Platform != w.platform || f.Status != w.status || show(f.LockedVersionMFA) != w.locked {
			t.Errorf("finding %d = %s/%s %s locked %s, want %s/%s %s locked %s",
				i, f.Name, f.Platform, f.Status, show(f.LockedVersionMFA), w.name, w.platform, w.status, w.locked)
		}
	}
	if strings.Contains(stdout, "s3cr3t") || strings.Contains(stdout, "deploy:") {
		t.Error("the private remote's credentials reached the report")
	}
}

func show(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

func TestAuditUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown format", []string{"audit", "--format", "xml", "testdata/app.lock"}, `--format: unknown format "xml"`},
		{"unknown status", []string{"audit", "--fail-on", "unprotectd", "testdata/app.lock"}, `--fail-on: unknown status "unprotectd"`},
		{"none mixed", []string{"audit", "--fail-on", "none,unknown", "testdata/app.lock"}, `cannot be combined`},
		{"only what", []string{"audit", "--only", "indirect", "testdata/app.lock"}, `--only: unknown value "indirect"`},
		{"zero rate", []string{"audit", "--rate", "0", "testdata/app.lock"}, "--rate must be above 0"},
		{"zero concurrency", []string{"audit", "--concurrency", "0", "testdata/app.lock"}, "--concurrency must be at least 1"},
		{"bad registry scheme", []string{"audit", "--registry-url", "ftp://user:hunter2@mirror.example/", "testdata/app.lock"}, "want an http://, https://, file:// or postgres:// URL"},
		{"registry query", []string{"audit", "--registry-url", "https://user:hunter2@mirror.example/?token=1", "testdata/app.lock"}, `"https://REDACTED@mirror.example/?token=1" must not have a query or fragment`},
		{"registry fragment", []string{"audit", "--registry-url", "https://mirror.example/#x", "testdata/app.lock"}, `"https://mirror.example/#x" must not have a query or fragment`},
		{"unknown flag", []string{"audit", "--bogus", "testdata/app.lock"}, "unknown flag: --bogus"},
		{"bad flag value", []string{"audit", "--rate", "fast", "testdata/app.lock"}, `invalid argument "fast"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, terminal{}, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr lacks %q:\n%s", tt.msg, stderr)
			}
			if !strings.Contains(stderr, "Run 'mfaudit audit --help' for usage.") {
				t.Errorf("stderr does not point at the usage:\n%s", stderr)
			}
			if strings.Contains(stderr, "hunter2") {
				t.Errorf("a password in --registry-url was printed:\n%s", stderr)
			}
		})
	}
}

func TestAuditErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	broken := write("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.8)\n    rack 3.0.8\n")
	badAllow := write("bad.yml", "allow:\n  - gem: rack\n")
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"parse failure", []string{"audit", "--no-cache", "--rate", "1000", "--format", "json", broken}, broken + ":5: "},
		{"parse failure among good lockfiles", []string{"audit", "--no-cache", "--rate", "1000", "--format", "json", "testdata/app.lock", broken}, broken + ":5: "},
		{"missing lockfile", []string{"audit", "--no-cache", "--rate", "1000", filepath.Join(dir, "nope.lock")}, "nope.lock: no such file or directory"},
		{"directory without a lockfile", []string{"audit", "--no-cache", "--rate", "1000", empty}, "has no Gemfile.lock or gems.locked"},
		{"bad allowlist", []string{"audit", "--no-cache", "--rate", "1000", "--allowlist", badAllow, "testdata/app.lock"}, badAllow + ":2: entry for rack has no reason"},
		{"missing allowlist", []string{"audit", "--no-cache", "--rate", "1000", "--allowlist", filepath.Join(dir, "none.yml"), "testdata/app.lock"}, "none.yml: no such file or directory"},
		{"missing registry snapshot", []string{"audit", "--format", "json", "--fail-on", "none", "--registry-url", "file://" + filepath.ToSlash(filepath.Join(dir, "typo")), "testdata/app.lock"}, "typo\": stat "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, terminal{}, tt.args...)
			if code != exitError {
				t.Errorf("exit %d, want %d; stderr %s", code, exitError, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr lacks %q:\n%s", tt.msg, stderr)
			}
			if strings.Contains(stderr, "--help") {
				t.Errorf("a runtime error printed the usage hint:\n%s", stderr)
			}
		})
	}
}

// TestAuditOutputFile checks --output: the report goes to the file, the
// same bytes as on stdout, and nothing to stdout.
func TestAuditOutputFile(t *testing.T) {
	fr := appRegistry(t)
	out := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(out, []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runCLI(t, terminal{stdoutTTY: true}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "--output", out, "testdata/app.lock")
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	if stdout != "" {
		t.Errorf("stdout not empty with --output: %q", stdout)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	direct, _, _ := runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "testdata/app.lock")
	if string(got) != direct {
		t.Error("--output wrote something else than stdout shows")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	// An unwritable destination is an error, and stdout stays empty.
	stdout, stderr, code := runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--output", filepath.Join(t.TempDir(), "no", "such", "dir", "r.json"), "testdata/app.lock")
	if code != exitError || stdout != "" || !strings.Contains(stderr, "r.json") {
		t.Errorf("unwritable --output: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestAuditArguments covers directories, repeated paths, the default
// lockfile and several lockfiles sharing one lookup per gem.
func TestAuditArguments(t *testing.T) {
	fr := appRegistry(t)
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/app.lock")
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"one", "two"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, "Gemfile.lock"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	one, two := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	stdout, stderr, code := runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json",
		one, two, filepath.Join(one, "Gemfile.lock"))
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Lockfiles) != 2 {
		t.Errorf("%d lockfiles in the report, want 2 (a path named twice counts once)", len(r.Lockfiles))
	}
	for p, n := range fr.paths() {
		if n != 1 {
			t.Errorf("%s requested %d times for two lockfiles; want once per gem", p, n)
		}
	}
	if r.Summary.Total() != 24 {
		t.Errorf("summary counts %d findings, want 24", r.Summary.Total())
	}

	// An absolute path inside the working directory is reported relative
	// to it, so SARIF locations map onto the checkout.
	t.Chdir(dir)
	stdout, stderr, code = runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "sarif",
		filepath.Join(dir, "one", "Gemfile.lock"))
	if code != exitFindings || !strings.Contains(stdout, `"uri": "one/Gemfile.lock"`) {
		t.Errorf("absolute path: exit %d, stderr %s, stdout %.300s", code, stderr, stdout)
	}

	// No argument: the lockfile in the current directory.
	t.Chdir(two)
	stdout, stderr, code = runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json")
	if code != exitFindings || !strings.Contains(stdout, `"path": "Gemfile.lock"`) {
		t.Errorf("no argument: exit %d, stderr %s, stdout starts %.200s", code, stderr, stdout)
	}
}

// TestAuditDefaultAllowlist checks that a .mfaudit.yml next to a lockfile
// applies to that lockfile only.
func TestAuditDefaultAllowlist(t *testing.T) {
	fr := appRegistry(t)
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/app.lock")
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"allowed", "plain"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, "Gemfile.lock"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	allow := "allow:\n  - gem: nokogiri\n    reason: reviewed\n"
	if err := os.WriteFile(filepath.Join(dir, "allowed", ".mfaudit.yml"), []byte(allow), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, _ := runCLI(t, terminal{}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json",
		filepath.Join(dir, "allowed"), filepath.Join(dir, "plain"))
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v; stderr %s", err, stderr)
	}
	for i, wantAllowed := range []bool{true, false} {
		for _, f := range r.Lockfiles[i].Gems {
			if f.Name == "nokogiri" && f.Allowlisted != wantAllowed {
				t.Errorf("%s: nokogiri allowlisted = %v, want %v", r.Lockfiles[i].Path, f.Allowlisted, wantAllowed)
			}
		}
	}
	if len(r.Allowlist) != 1 || r.Allowlist[0].State != report.AllowActive || r.Allowlist[0].Matches != 2 {
		t.Errorf("allowlist states = %+v, want one active entry with 2 matches", r.Allowlist)
	}
}

// TestAuditProgress checks that the progress indicator appears on a
// terminal's stderr only, never with --quiet, and never on stdout.
func TestAuditProgress(t *testing.T) {
	fr := appRegistry(t)
	args := []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "testdata/app.lock"}
	tests := []struct {
		name  string
		term  terminal
		quiet bool
		want  bool
	}{
		{"stderr is a terminal", terminal{stderrTTY: true}, false, true},
		{"quiet", terminal{stderrTTY: true}, true, false},
		{"stderr piped", terminal{stdoutTTY: true}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := args
			if tt.quiet {
				a = append([]string{"audit", "--quiet"}, args[1:]...)
			}
			stdout, stderr, _ := runCLI(t, tt.term, a...)
			got := strings.Contains(stderr, "looking up gems: 8/8")
			if got != tt.want {
				t.Errorf("progress shown = %v, want %v; stderr %q", got, tt.want, stderr)
			}
			if strings.Contains(stdout, "looking up") || strings.Contains(stdout, "\r") {
				t.Error("progress reached stdout")
			}
		})
	}
}

// TestAuditUntrustedText feeds terminal escape sequences through the
// registry and the lockfile and checks that no format lets one through.
func TestAuditUntrustedText(t *testing.T) {
	const esc = "\x1b]8;;https://evil.example\x07pwned\x1b]8;;\x07\x1b[2J\x1b[31m"
	fr := newFakeRegistry(t, map[string]*fakeGem{
		// Unprotected, so that every format lists it.
		"evil": {Builds: []fakeBuild{{Number: "2.0.0", Platform: "ruby", Downloads: 5, Metadata: map[string]string{
			"source_code_uri": "https://github.com/evil/evil" + esc,
			"homepage_uri":    "https://github.com/evil/evil" + esc,
		}}, {Number: "1.0.0", Platform: "ruby", Downloads: 5, Metadata: map[string]string{"rubygems_mfa_required": esc}}}},
		// The flag value reaches mfa_flag and the reason.
		"evil-flag": {Builds: []fakeBuild{{Number: "1.0.0", Platform: "ruby", Downloads: 5, Metadata: map[string]string{
			"rubygems_mfa_required": "yes" + esc,
		}}}},
		// A version number from the registry reaches latest_version and the reason.
		"evil-version": {Builds: []fakeBuild{{Number: "9.0.0" + esc, Platform: "ruby", Downloads: 5}, {Number: "1.0.0", Platform: "ruby", Downloads: 5}}},
	})
	dir := t.TempDir()
	lock := filepath.Join(dir, "Gemfile.lock")
	content := "GIT\n  remote: https://github.com/acme/wid" + esc + "get.git\n  revision: 0123" + esc + "\n  specs:\n    widget (0.1.0)\n\n" +
		"PATH\n  remote: vendor" + esc + "\n  specs:\n    local (0.0.1)\n\n" +
		"GEM\n  remote: https://rubygems.org/\n  specs:\n    evil (1.0.0)\n    evil-flag (1.0.0)\n    evil-version (1.0.0)\n\n" +
		"PLATFORMS\n  ruby\n\nDEPENDENCIES\n  evil\n  evil-flag\n  evil-version\n  local!\n  widget!\n"
	if err := os.WriteFile(lock, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range report.Formats() {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, terminal{stdoutTTY: true, stderrTTY: true}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", format, lock)
			if code != exitFindings {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, out := range []string{stdout, stderr} {
				if strings.ContainsAny(out, "\x07") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[2J") {
					t.Errorf("an escape sequence from untrusted text got through: %q", out)
				}
				if strings.Contains(out, `\u001b`) || strings.Contains(out, `\u0007`) {
					t.Errorf("an escape sequence got through JSON-encoded: %q", out)
				}
			}
			if format == "json" {
				for _, want := range []string{`"yes^[]8;;https://evil.example^Gpwned`, `evil/evil^[]8;;`, `wid^[]8;;`, `"revision": "0123^[]8;;`} {
					if !strings.Contains(stdout, want) {
						t.Errorf("JSON lacks the escaped form %s", want)
					}
				}
			}
			if !strings.Contains(stdout, "evil") {
				t.Errorf("the gem is missing from the report:\n%s", stdout)
			}
		})
	}

	// A gem name with an escape sequence is refused by the parser; the
	// error must not carry the sequence to the terminal either.
	bad := filepath.Join(dir, "bad.lock")
	if err := os.WriteFile(bad, []byte("GEM\n  remote: https://rubygems.org/\n  specs:\n    ev"+esc+"il (1.0)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, terminal{stderrTTY: true}, "audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), bad)
	if code != exitError || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if strings.ContainsAny(stderr, "\x1b\x07") {
		t.Errorf("stderr carries a raw escape: %q", stderr)
	}
	if !strings.Contains(stderr, bad+":4:") {
		t.Errorf("stderr does not name the line: %q", stderr)
	}
}

// TestAuditColour checks that colour appears only on a terminal and never
// with NO_COLOR.
func TestAuditColour(t *testing.T) {
	fr := appRegistry(t)
	args := []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "table", "testdata/app.lock"}
	tests := []struct {
		name string
		term terminal
		want bool
	}{
		{"terminal", terminal{stdoutTTY: true}, true},
		{"NO_COLOR", terminal{stdoutTTY: true, env: map[string]string{"NO_COLOR": "1"}}, false},
		{"dumb terminal", terminal{stdoutTTY: true, env: map[string]string{"TERM": "dumb"}}, false},
		{"pipe", terminal{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.term, args...)
			if code != exitFindings {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := strings.Contains(stdout, "\x1b["); got != tt.want {
				t.Errorf("colour = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAuditInterrupted cancels the run while lookups are in flight: it
// exits 1 and writes no report.
func TestAuditInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fr := appRegistry(t)
	var once sync.Once
	fr.onRequest = func() { once.Do(cancel) }
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, now: func() time.Time { return testNow }}
	code := run(ctx, []string{"audit", "--no-cache", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "testdata/app.lock"}, e)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if stdout.Len() != 0 {
		t.Errorf("a report was written after the interrupt: %.200s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "mfaudit: interrupted") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// TestReadmeExample keeps the README's example table the real output of
// its quick-start command.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runCLI(t, terminal{}, "audit", "--registry-url", demoRegistryURL(t), demoLock)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	want := strings.ReplaceAll(stdout, demoLock, "testdata/demo/Gemfile.lock")
	if !strings.Contains(string(readme), "```\n"+want+"```\n") {
		t.Errorf("README.md does not show the demo's output; it should contain:\n%s", want)
	}
}

// TestAuditCache checks the wiring of --cache-dir and --no-cache: a second
// run within the cache's lifetime asks the registry nothing.
func TestAuditCache(t *testing.T) {
	fr := appRegistry(t)
	dir := t.TempDir()
	total := func() int {
		n := 0
		for _, c := range fr.paths() {
			n += c
		}
		return n
	}
	args := []string{"audit", "--rate", "1000", "--registry-url", fr.URL(), "--format", "json", "--cache-dir", dir, "testdata/app.lock"}
	first, _, code := runCLI(t, terminal{}, args...)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	asked := total()
	if asked == 0 {
		t.Fatal("the first run asked the registry nothing")
	}
	second, _, _ := runCLI(t, terminal{}, args...)
	if total() != asked {
		t.Errorf("the second run made %d requests; want none within the cache's lifetime", total()-asked)
	}
	if first != second {
		t.Error("the cached run reports something else")
	}
	runCLI(t, terminal{}, append([]string{"audit", "--no-cache"}, args[1:]...)...)
	if total() != 2*asked {
		t.Errorf("--no-cache made %d requests, want %d", total()-asked, asked)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Errorf("nothing cached in --cache-dir: %v", err)
	}
}

// TestRootUsage checks the top-level command line: an unknown command is a
// usage error like an unknown flag, and no argument shows the help.
func TestRootUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr []string
	}{
		{name: "unknown command", args: []string{"bogus"}, code: exitUsage,
			wantStderr: []string{`mfaudit: unknown command "bogus" for "mfaudit"` + "\n", "Run 'mfaudit --help' for usage.\n"}},
		{name: "misspelt command", args: []string{"audt", "Gemfile.lock"}, code: exitUsage,
			wantStderr: []string{`mfaudit: unknown command "audt" for "mfaudit" (did you mean audit?)` + "\n", "Run 'mfaudit --help' for usage.\n"}},
		{name: "no command", args: nil, code: exitOK, wantStdout: "Available Commands:"},
		{name: "version", args: []string{"--version"}, code: exitOK, wantStdout: "mfaudit version "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, terminal{}, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestAuditRubygemsRemote: a lockfile resolved through a company proxy of
// RubyGems.org is not covered until --rubygems-remote names the proxy; the
// gems are then judged on the registry, and the proxy's credentials stay
// out of the report.
func TestAuditRubygemsRemote(t *testing.T) {
	fr := appRegistry(t)
	dir := writeFiles(t, map[string]string{"Gemfile.lock": `GEM
  remote: https://ci:t0ken@artifactory.example.com/api/gems/rubygems-remote/
  specs:
    nokogiri (1.16.5)
    rack (3.1.0)

PLATFORMS
  ruby

DEPENDENCIES
  nokogiri
  rack
`})
	lock := filepath.Join(dir, "Gemfile.lock")
	out, _, code := runCLI(t, terminal{}, "audit", "--format", "json", "--registry-url", fr.URL(), lock)
	if code != exitOK || strings.Count(out, `"status": "not_covered"`) != 2 {
		t.Fatalf("without the flag: exit %d\n%s", code, out)
	}
	out, stderr, code := runCLI(t, terminal{}, "audit", "--format", "json", "--registry-url", fr.URL(),
		"--rubygems-remote", "https://artifactory.example.com/api/gems/rubygems-remote", lock)
	if code != exitFindings {
		t.Fatalf("with the flag: exit %d, stderr %s", code, stderr)
	}
	var r struct {
		Summary struct{ Protected, Unprotected int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Protected != 1 || r.Summary.Unprotected != 1 {
		t.Errorf("summary %+v, want rack protected and nokogiri unprotected", r.Summary)
	}
	if strings.Contains(out, "t0ken") {
		t.Error("the proxy's credentials are in the report")
	}
	if _, stderr, code := runCLI(t, terminal{}, "audit", "--rubygems-remote", "artifactory.example.com", lock); code != exitUsage || !strings.Contains(stderr, "--rubygems-remote") {
		t.Errorf("a bare host: exit %d, %s", code, stderr)
	}
}
