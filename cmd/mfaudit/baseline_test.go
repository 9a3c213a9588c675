package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/report"
)

// baseLock is a lockfile of appRegistry's gems: nokogiri is unprotected,
// rack protected.
func baseLock(nokogiri string, extra ...string) string {
	specs := "    nokogiri (" + nokogiri + ")\n    rack (3.1.0)\n"
	deps := "  nokogiri\n  rack\n"
	for _, e := range extra {
		specs += "    " + e + "\n"
		deps += "  " + strings.Fields(e)[0] + "\n"
	}
	return "GEM\n  remote: https://rubygems.org/\n  specs:\n" + specs + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n" + deps
}

// failing returns the names of the findings that fail the gate, and the
// baseline state of each finding.
func failing(t *testing.T, stdout string) (string, map[string]string) {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var names []string
	states := map[string]string{}
	for _, f := range r.Findings() {
		if f.FailsGate {
			names = append(names, f.Name)
		}
		states[f.Name] = f.BaselineState
	}
	return strings.Join(names, ","), states
}

// TestAuditBaseline: with an earlier report as the baseline, a gem the
// change adds fails the gate, and a version bump of a gem already exposed
// does not.
func TestAuditBaseline(t *testing.T) {
	fr := appRegistry(t)
	dir := writeFiles(t, map[string]string{"Gemfile.lock": baseLock("1.16.0")})
	lock := filepath.Join(dir, "Gemfile.lock")
	base := filepath.Join(dir, "baseline.json")
	common := []string{"audit", "--no-cache", "--registry-url", fr.URL()}
	if _, _, code := runCLI(t, terminal{}, append(common, "--format", "json", "--output", base, lock)...); code != exitFindings {
		t.Fatalf("baseline audit exit %d", code)
	}

	// Bumped: nothing new.
	os.WriteFile(lock, []byte(baseLock("1.16.5")), 0o644)
	stdout, stderr, code := runCLI(t, terminal{}, append(common, "--format", "json", "--baseline", base, lock)...)
	if names, states := failing(t, stdout); code != exitOK || names != "" || states["nokogiri"] != report.BaselineUnchanged {
		t.Errorf("version bump: exit %d, failing %q, states %v\n%s", code, names, states, stderr)
	}
	// One gem added: exactly that one fails.
	os.WriteFile(lock, []byte(baseLock("1.16.5", "opted-out (2.0.0)")), 0o644)
	stdout, _, code = runCLI(t, terminal{}, append(common, "--format", "json", "--baseline", base, lock)...)
	if names, states := failing(t, stdout); code != exitFindings || names != "opted-out" || states["opted-out"] != report.BaselineNew || states["nokogiri"] != report.BaselineUnchanged {
		t.Errorf("gem added: exit %d, failing %q, states %v", code, names, states)
	}
	// The table says which are known, and what the gate compared with.
	stdout, _, _ = runCLI(t, terminal{}, append(common, "--baseline", base, lock)...)
	if !strings.Contains(stdout, "[known] latest release 1.16.5") || !strings.Contains(stdout, "1 known from the baseline") ||
		!strings.Contains(stdout, "gate: failed: 1 finding is new since the baseline "+base) {
		t.Errorf("table:\n%s", stdout)
	}
	// SARIF marks the states for code scanning (report's
	// TestSARIFValidates validates such a log).
	sarif := filepath.Join(dir, "out.sarif")
	runCLI(t, terminal{}, append(common, "--format", "sarif", "--output", sarif, "--baseline", base, lock)...)
	data, _ := os.ReadFile(sarif)
	if !strings.Contains(string(data), `"baselineState": "new"`) || !strings.Contains(string(data), `"baselineState": "unchanged"`) {
		t.Errorf("SARIF lacks baseline states:\n%s", data)
	}

	if _, stderr, code := runCLI(t, terminal{}, append(common, "--baseline", lock, lock)...); code != exitError || !strings.Contains(stderr, "--baseline") {
		t.Errorf("a lockfile as the baseline: exit %d, %s", code, stderr)
	}
	if _, _, code := runCLI(t, terminal{}, append(common, "--baseline", base, "--diff-base", "HEAD", lock)...); code != exitUsage {
		t.Errorf("--baseline with --diff-base: exit %d", code)
	}
}

// TestAuditDiffBase compares with the lockfiles at a git revision, in a
// repository of their own: what the working tree adds fails the gate, a
// lockfile new since the revision is new throughout, and a revision that
// does not exist is an error before any output.
func TestAuditDiffBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for --diff-base")
	}
	fr := appRegistry(t)
	dir := writeFiles(t, map[string]string{"app/Gemfile.lock": baseLock("1.16.0")})
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "base")
	lock := filepath.Join(dir, "app", "Gemfile.lock")
	os.WriteFile(lock, []byte(baseLock("1.16.5", "opted-out (2.0.0)")), 0o644)
	fresh := filepath.Join(dir, "svc", "Gemfile.lock")
	os.MkdirAll(filepath.Dir(fresh), 0o755)
	os.WriteFile(fresh, []byte(baseLock("1.16.5")), 0o644)

	common := []string{"audit", "--no-cache", "--registry-url", fr.URL(), "--format", "json", "--diff-base", "HEAD"}
	stdout, stderr, code := runCLI(t, terminal{}, append(common, lock, fresh)...)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, lr := range r.Lockfiles {
		for _, f := range lr.Gems {
			if f.Status != report.Protected {
				got[filepath.Base(filepath.Dir(lr.Path))+"/"+f.Name] = f.BaselineState + map[bool]string{true: " fails"}[f.FailsGate]
			}
		}
	}
	want := map[string]string{"app/nokogiri": "unchanged", "app/opted-out": "new fails", "svc/nokogiri": "new fails"}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if r.Gate.Baseline != "HEAD" {
		t.Errorf("gate baseline %q", r.Gate.Baseline)
	}
	stdout, stderr, code = runCLI(t, terminal{}, "audit", "--no-cache", "--registry-url", fr.URL(), "--diff-base", "no-such-branch", lock)
	if code != exitError || stdout != "" || !strings.Contains(stderr, "--diff-base no-such-branch") {
		t.Errorf("unknown revision: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
