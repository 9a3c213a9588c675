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

	"github.com/mfaudit/mfaudit/campaign"
	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

const testToken = "ghp_cmd_test_token_0123456789"

// dryStructSpec is a gemspec in the shape of dry-struct's, without the
// header of the tool that now manages the real one.
const dryStructSpec = `# frozen_string_literal: true

Gem::Specification.new do |spec|
  spec.name          = 'dry-struct'
  spec.authors       = ["Piotr Solnica"]
  spec.license       = 'MIT'
  spec.version       = '1.6.0'
  spec.summary       = "Typed structs and value objects"
  spec.homepage      = 'https://dry-rb.org/gems/dry-struct'
  spec.files         = Dir["CHANGELOG.md", "LICENSE", "README.md", "lib/**/*"]
  spec.require_paths = ['lib']

  spec.metadata['allowed_push_host'] = 'https://rubygems.org'
  spec.metadata['changelog_uri']     = 'https://github.com/dry-rb/dry-struct/blob/main/CHANGELOG.md'
  spec.metadata['source_code_uri']   = 'https://github.com/dry-rb/dry-struct'
  spec.metadata['bug_tracker_uri']   = 'https://github.com/dry-rb/dry-struct/issues'

  spec.required_ruby_version = '>= 3.1.0'
end
`

// campaignFake is the GitHub the demo campaign runs against: dry-rb's
// repository, which the token cannot push to.
func campaignFake(t *testing.T) *githubtest.Server {
	gh := githubtest.New(t)
	gh.SetViewer("octo-maintainer", 7, "Octo Maintainer", "")
	gh.AddRepo(githubtest.Repo{Owner: "dry-rb", Name: "dry-struct", Files: map[string]string{
		"dry-struct.gemspec": dryStructSpec, "README.md": "# dry-struct\n",
	}})
	return gh
}

// runCampaignCLI runs mfaudit with the token in the environment and the
// GitHub client paced for tests.
func runCampaignCLI(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env_{stdout: &stdout, stderr: &stderr, vars: env}
	code := run(context.Background(), args, e.env())
	return stdout.String(), stderr.String(), code
}

type env_ struct {
	stdout, stderr *bytes.Buffer
	vars           map[string]string
}

func (x *env_) env() *env {
	return &env{
		stdin:  strings.NewReader(""),
		stdout: x.stdout, stderr: x.stderr,
		getenv: func(k string) string { return x.vars[k] },
		now:    func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) },
		tuneGitHub: func(o *campaign.GitHubOptions) {
			o.WriteInterval, o.SearchInterval, o.ReadInterval, o.ForkPoll = time.Millisecond, time.Millisecond, time.Microsecond, time.Millisecond
			o.Backoff = time.Millisecond
		},
	}
}

// normalize replaces the test servers' random addresses and the temporary
// directory.
func normalize(s string, gh *githubtest.Server, dir string) string {
	s = strings.ReplaceAll(s, gh.URL(), "https://github.example.com")
	return strings.ReplaceAll(s, dir, "$STATE")
}

// TestCampaignDemo runs the README's campaign: plan, run --apply, a
// second run, status, against the recorded registry snapshot and a fake
// GitHub; the outputs are golden files the README shows.
func TestCampaignDemo(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	vars := map[string]string{"GITHUB_TOKEN": testToken}
	common := []string{"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "campaign.json")}
	steps := []struct {
		golden string
		args   []string
		code   int
		writes int // the writes the step makes
	}{
		{"campaign-plan.txt", append([]string{"campaign", "plan"}, append(common, demoLock)...), exitOK, 0},
		{"campaign-run.txt", append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...), exitOK, 6},
		{"campaign-rerun.txt", append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...), exitOK, 0},
		{"campaign-status.txt", append([]string{"campaign", "status"}, common...), exitOK, 0},
	}
	for _, st := range steps {
		before := len(gh.Writes())
		stdout, stderr, code := runCampaignCLI(t, vars, st.args...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d\nstderr: %s", st.golden, code, st.code, stderr)
		}
		if n := len(gh.Writes()) - before; n != st.writes {
			t.Errorf("%s: %d writes, want %d", st.golden, n, st.writes)
		}
		for _, out := range []string{stdout, stderr} {
			if strings.Contains(out, testToken) {
				t.Fatalf("%s: the token was printed", st.golden)
			}
		}
		checkGolden(t, st.golden, normalize(stdout, gh, dir)+"--- stderr\n"+normalize(stderr, gh, dir))
	}
	// The pull request is on dry-rb/dry-struct, from the viewer's fork.
	prs := gh.PRs("dry-rb/dry-struct")
	if len(prs) != 1 || prs[0].HeadRepo != "octo-maintainer/dry-struct" || prs[0].State != "open" {
		t.Fatalf("pull requests %+v", prs)
	}
	got, _ := gh.File("octo-maintainer/dry-struct", campaign.DefaultBranch, "dry-struct.gemspec")
	if !strings.Contains(got, "spec.metadata['rubygems_mfa_required'] = 'true'") {
		t.Errorf("the committed gemspec:\n%s", got)
	}
	data, err := os.ReadFile(filepath.Join(dir, "campaign.json"))
	if err != nil || strings.Contains(string(data), testToken) {
		t.Errorf("state file: %v, or it holds the token", err)
	}
	for _, r := range gh.Requests() {
		if r.Auth != "Bearer "+testToken {
			t.Fatalf("%s %s sent Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	// Merged, then released: status says so.
	gh.SetPRState("dry-rb/dry-struct", prs[0].Number, "", true)
	stdout, _, code := runCampaignCLI(t, vars, append([]string{"campaign", "status", "--format", "json"}, common...)...)
	if code != exitOK {
		t.Fatalf("status exit %d", code)
	}
	var doc struct {
		PullRequests []campaign.PRStatus `json:"pull_requests"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.PullRequests) != 1 {
		t.Fatalf("status JSON %v: %s", err, stdout)
	}
	if s := doc.PullRequests[0]; s.State != campaign.PRMergedUnreleased || s.Releases[0].Latest != "1.6.0" {
		t.Errorf("status after the merge: %+v", s)
	}
}

// TestCampaignUsage: mistakes on the command line exit 2 before any
// request; a missing token for --apply exits 1.
func TestCampaignUsage(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	common := []string{"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "s.json")}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{"bad format", nil, []string{"campaign", "plan", "--format", "sarif", demoLock}, exitUsage, `--format: unknown format "sarif"`},
		{"bad gem", nil, []string{"campaign", "plan", "--gem", "../etc"}, exitUsage, "invalid gem name"},
		{"bad only", nil, []string{"campaign", "run", "--only", "a b"}, exitUsage, "invalid gem name"},
		{"negative max-prs", nil, []string{"campaign", "run", "--max-prs", "-1"}, exitUsage, "--max-prs"},
		{"bad title", nil, []string{"campaign", "run", "--title", "{{.Nope}}"}, exitUsage, "--title"},
		{"github url with a query", nil, []string{"campaign", "plan", "--github-url", "https://ghe.example.com/?x=1"}, exitUsage, "--github-url"},
		{"unknown subcommand", nil, []string{"campaign", "launch"}, exitUsage, `unknown command "launch"`},
		{"status takes no argument", nil, []string{"campaign", "status", "x"}, exitUsage, "takes no arguments"},
		{"apply without a token", map[string]string{}, append([]string{"campaign", "run", "--apply", demoLock}, common...), exitError, "needs a GitHub token"},
		{"missing body file", map[string]string{"GH_TOKEN": testToken}, append([]string{"campaign", "run", "--body-file", filepath.Join(dir, "none.md"), demoLock}, common...), exitError, "--body-file"},
		{"missing lockfile", map[string]string{"GH_TOKEN": testToken}, append([]string{"campaign", "plan", filepath.Join(dir, "Gemfile.lock")}, common...), exitError, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(gh.Requests())
			_, stderr, code := runCampaignCLI(t, tt.env, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
			if n := len(gh.Requests()) - before; n != 0 {
				t.Errorf("%d requests to GitHub", n)
			}
		})
	}
}

// TestCampaignFromReport: campaign plan reads an audit --format json
// report as well as a lockfile, and the token may come from gh.
func TestCampaignFromReport(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	reportPath := filepath.Join(dir, "audit.json")
	_, _, code := runCLI(t, terminal{}, "audit", "--format", "json", "--output", reportPath, "--registry-url", demoRegistryURL(t), demoLock)
	if code != exitFindings {
		t.Fatalf("audit exit %d", code)
	}
	var stdout, stderr bytes.Buffer
	e := (&env_{stdout: &stdout, stderr: &stderr, vars: map[string]string{}}).env()
	asked := ""
	e.ghToken = func(_ context.Context, host string) (string, error) {
		asked = host
		return testToken + "\n", nil
	}
	code = run(context.Background(), []string{"campaign", "plan", "--format", "json", "--github-url", gh.URL(),
		"--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "s.json"), reportPath}, e)
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(gh.URL(), "http://"+asked) {
		t.Errorf("gh was asked for host %q", asked)
	}
	var plan campaign.Plan
	if err := json.Unmarshal(stdout.Bytes(), &plan); err != nil {
		t.Fatal(err)
	}
	got := map[string]campaign.Outcome{}
	for _, r := range plan.Repos {
		for _, g := range r.Gems {
			got[g.Gem] = g.Outcome
			if len(g.From) != 1 || g.From[0] != reportPath {
				t.Errorf("%s comes from %v, want the report", g.Gem, g.From)
			}
		}
	}
	want := map[string]campaign.Outcome{"ble": campaign.OutcomeUnsupportedForge, "coulda": campaign.OutcomeNoRepository, "dry-struct": campaign.OutcomeOpen}
	if len(got) != len(want) {
		t.Errorf("targets %v, want %v", got, want)
	}
	for g, o := range want {
		if got[g] != o {
			t.Errorf("%s: %s, want %s", g, got[g], o)
		}
	}
	for _, r := range gh.Requests() {
		if r.Auth != "Bearer "+testToken {
			t.Fatalf("%s %s sent Authorization %q, want gh's token", r.Method, r.Path, r.Auth)
		}
	}
}

// TestReadmeCampaign keeps the README's campaign example the real output
// of TestCampaignDemo's golden files.
func TestReadmeCampaign(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ golden, cmd string }{
		{"campaign-plan.txt", "$ mfaudit campaign plan"},
		{"campaign-run.txt", "$ mfaudit campaign run --apply"},
		{"campaign-status.txt", "$ mfaudit campaign status"},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "golden", tc.golden))
		if err != nil {
			t.Fatal(err)
		}
		stdout, stderr, _ := strings.Cut(string(data), "--- stderr\n")
		// As a terminal shows them: the steps, the table, the last note.
		progress, last := "", ""
		if strings.Contains(tc.golden, "run") {
			lines := strings.SplitAfter(strings.TrimSuffix(stderr, "\n"), "\n")
			progress, last = strings.Join(lines[:len(lines)-1], ""), lines[len(lines)-1]+"\n"
		}
		want := strings.ReplaceAll(progress+stdout+last, "$STATE/campaign.json", "~/.local/state/mfaudit/campaign.json")
		i := strings.Index(string(readme), tc.cmd)
		if i < 0 {
			t.Fatalf("README.md has no %q example", tc.cmd)
		}
		_, block, _ := strings.Cut(string(readme[i:]), "\n")
		if !strings.HasPrefix(block, want+"```\n") {
			t.Errorf("README.md's %q example is not the output of %s; it should read:\n%s", tc.cmd, tc.golden, want)
		}
	}
}

// TestCampaignFromFleetReport: a report of several lockfiles, with its
// aggregate, is a campaign's starting list too; each gem is planned once.
func TestCampaignFromFleetReport(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	data, err := os.ReadFile(demoLock)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "api", "Gemfile.lock")
	os.MkdirAll(filepath.Dir(second), 0o755)
	os.WriteFile(second, data, 0o644)
	reportPath := filepath.Join(dir, "fleet.json")
	if _, _, code := runCLI(t, terminal{}, "audit", "--format", "json", "--output", reportPath, "--registry-url", demoRegistryURL(t), demoLock, second); code != exitFindings {
		t.Fatalf("audit exit %d", code)
	}
	raw, _ := os.ReadFile(reportPath)
	if !strings.Contains(string(raw), `"aggregate": [`) {
		t.Fatal("the fleet report has no aggregate")
	}
	stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, "campaign", "plan", "--format", "json",
		"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "s.json"), reportPath)
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, stderr)
	}
	var plan campaign.Plan
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Summary.Gems != 3 || plan.Summary.PullRequests != 1 {
		t.Errorf("plan summary %+v, want the 3 unprotected gems once and one pull request", plan.Summary)
	}
}
