package main

// Regression tests of the campaign commands, from an adversarial review:
// tokens, exit codes, state files, untrusted text.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mfaudit/mfaudit/campaign"
	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

func campaignArgs(t *testing.T, gh *githubtest.Server) ([]string, string) {
	dir := t.TempDir()
	return []string{"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "campaign.json")}, dir
}

func noToken(t *testing.T, token string, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, token) {
			t.Errorf("the token was printed: %q", o)
		}
	}
}

// The token is never printed, whatever GitHub answers.
func TestCampaignTokenOnFailures(t *testing.T) {
	cases := []struct {
		name   string
		script func(gh *githubtest.Server)
	}{
		{"401 on /user", func(gh *githubtest.Server) {
			gh.Script("GET", `/user$`, -1, githubtest.Response{Status: 401, Body: `{"message":"Bad credentials"}`})
		}},
		{"500 everywhere", func(gh *githubtest.Server) {
			gh.Script("", `.`, -1, githubtest.Response{Status: 500, Body: `{"message":"boom"}`})
		}},
		{"500 echoing the header", func(gh *githubtest.Server) {
			gh.Script("GET", `/repos/`, -1, githubtest.Response{Status: 500, Body: `{"message":"` + testToken + `"}`})
		}},
		{"500 on the PR", func(gh *githubtest.Server) {
			gh.Script("POST", `/pulls$`, -1, githubtest.Response{Status: 500, Body: `{"message":"boom"}`})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gh := campaignFake(t)
			tc.script(gh)
			common, dir := campaignArgs(t, gh)
			vars := map[string]string{"GITHUB_TOKEN": testToken}
			stdout, stderr, code := runCampaignCLI(t, vars, append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...)...)
			t.Logf("exit %d\nstderr: %s", code, stderr)
			// Even a server that echoes the token in its error message
			// does not get it printed or stored.
			noToken(t, testToken, stdout, stderr)
			data, _ := os.ReadFile(filepath.Join(dir, "campaign.json"))
			noToken(t, testToken, string(data))
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
		})
	}
}

// A token with an embedded newline (a copy-paste error): the error must not
// quote it.
func TestCampaignTokenWithNewline(t *testing.T) {
	gh := campaignFake(t)
	common, _ := campaignArgs(t, gh)
	tok := "ghp_secretpart1\nghp_secretpart2"
	stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": tok}, append([]string{"campaign", "plan"}, append(common, demoLock)...)...)
	t.Logf("exit %d stderr %q", code, stderr)
	noToken(t, "ghp_secretpart1", stdout, stderr)
	noToken(t, "ghp_secretpart2", stdout, stderr)
}

// A redirect to another host must not carry the token there.
func TestCampaignRedirectOtherHost(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"message":"Not Found"}`))
	}))
	defer other.Close()
	gh := campaignFake(t)
	gh.Script("GET", `^/api/v3/repos/dry-rb/dry-struct$`, -1, githubtest.Response{Status: 301,
		Header: map[string]string{"Location": other.URL + "/api/v3/repositories/1"}, Body: `{"message":"Moved Permanently"}`})
	common, _ := campaignArgs(t, gh)
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, append([]string{"campaign", "plan"}, append(common, demoLock)...)...)
	t.Logf("exit %d stderr %s", code, stderr)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatalf("the redirect was not followed")
	}
	for _, a := range seen {
		if a != "" {
			t.Errorf("the other host got Authorization %q", a)
		}
	}
}

// --format json: stdout is valid JSON in every outcome, including errors.
func TestCampaignJSONAlways(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		script func(gh *githubtest.Server)
	}{
		{"plan ok", []string{"campaign", "plan"}, nil},
		{"plan 401", []string{"campaign", "plan"}, func(gh *githubtest.Server) {
			gh.Script("GET", `/user$`, -1, githubtest.Response{Status: 401, Body: `{"message":"Bad credentials"}`})
		}},
		{"run apply PR fails", []string{"campaign", "run", "--apply"}, func(gh *githubtest.Server) {
			gh.Script("POST", `/pulls$`, -1, githubtest.Response{Status: 422, Body: `{"message":"Validation Failed"}`})
		}},
		{"run apply rate limit", []string{"campaign", "run", "--apply"}, func(gh *githubtest.Server) {
			gh.Script("POST", `/forks$`, -1, githubtest.SecondaryLimited(3*3600e9))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gh := campaignFake(t)
			if tc.script != nil {
				tc.script(gh)
			}
			common, _ := campaignArgs(t, gh)
			args := append(append(tc.args, "--format", "json"), append(common, demoLock)...)
			stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, args...)
			t.Logf("exit %d stderr %q stdout %d bytes", code, stderr, len(stdout))
			// A run that fails before it has a plan prints nothing on
			// stdout (as audit does), never half a document.
			if !json.Valid([]byte(stdout)) && !(code == exitError && stdout == "") {
				t.Errorf("stdout is not valid JSON (exit %d): %q", code, stdout[:min(len(stdout), 200)])
			}
		})
	}
}

// --body-file with a template error is a usage error (exit 2), and no
// request is made.
func TestCampaignBodyFileTemplateError(t *testing.T) {
	gh := campaignFake(t)
	common, dir := campaignArgs(t, gh)
	body := filepath.Join(dir, "body.md")
	_ = os.WriteFile(body, []byte("Hello {{.Nope}}\n"), 0o600)
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken},
		append([]string{"campaign", "run", "--apply", "--body-file", body}, append(common, demoLock)...)...)
	t.Logf("exit %d stderr %q requests %d", code, stderr, len(gh.Requests()))
	if code != exitUsage || len(gh.Requests()) != 0 {
		t.Errorf("a body template that does not render exits %d after %d requests, want %d and none, like --title", code, len(gh.Requests()), exitUsage)
	}
}

// An audit report saved with a byte order mark (as PowerShell writes it):
// isJSONReport skips the BOM, so the report should be read.
func TestCampaignReportWithBOM(t *testing.T) {
	gh := campaignFake(t)
	common, dir := campaignArgs(t, gh)
	reportPath := filepath.Join(dir, "audit.json")
	_, _, code := runCLI(t, terminal{}, "audit", "--format", "json", "--output", reportPath, "--registry-url", demoRegistryURL(t), demoLock)
	if code != exitFindings {
		t.Fatalf("audit exit %d", code)
	}
	data, _ := os.ReadFile(reportPath)
	_ = os.WriteFile(reportPath, append([]byte("\xef\xbb\xbf"), data...), 0o600)
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, append([]string{"campaign", "plan"}, append(common, reportPath)...)...)
	t.Logf("exit %d stderr %q", code, stderr)
	if code != exitOK {
		t.Errorf("a report with a BOM: exit %d: %s", code, stderr)
	}
}

// status: empty state file, missing state file, state path is a directory,
// table and JSON.
func TestCampaignStatusEdgeStates(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	_ = os.WriteFile(empty, nil, 0o600)
	for _, st := range []string{empty, filepath.Join(dir, "missing.json"), dir} {
		for _, f := range []string{"table", "json"} {
			stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, "campaign", "status", "--format", f,
				"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", st)
			switch {
			case st == dir && code != exitError:
				t.Errorf("a directory as the state: exit %d, want %d", code, exitError)
			case st != dir && code != exitOK:
				t.Errorf("%s: exit %d (%s), want 0", filepath.Base(st), code, stderr)
			case st != dir && f == "json" && !json.Valid([]byte(stdout)):
				t.Errorf("%s: invalid JSON %q", filepath.Base(st), stdout)
			}
		}
	}
}

// A state file recorded by a run against another forge: status against
// this one must not report (or query) those pull requests.
func TestCampaignStatusOtherForgeCLI(t *testing.T) {
	gh := campaignFake(t)
	common, dir := campaignArgs(t, gh)
	vars := map[string]string{"GITHUB_TOKEN": testToken}
	if _, stderr, code := runCampaignCLI(t, vars, append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...)...); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	// The same state file, read by status against github.com (the
	// default): the PR lives on the GHE server.
	other := campaignFake(t) // a different "forge", empty of PRs
	stdout, stderr, code := runCampaignCLI(t, vars, "campaign", "status", "--github-url", other.URL(),
		"--registry-url", demoRegistryURL(t), "--state", filepath.Join(dir, "campaign.json"))
	t.Logf("status against another forge: exit %d\n%s\n%s", code, stdout, stderr)
	if strings.Contains(stdout, "dry-rb/dry-struct") {
		t.Errorf("status against %s reports a pull request recorded for %s", other.URL(), gh.URL())
	}
}

// Two runs at once on one state file: the second refuses (exit 1), makes
// no write.
func TestCampaignConcurrentRuns(t *testing.T) {
	gh := campaignFake(t)
	common, dir := campaignArgs(t, gh)
	st, err := campaign.OpenState(filepath.Join(dir, "campaign.json"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...)...)
	t.Logf("exit %d stderr %q writes %d", code, stderr, len(gh.Writes()))
	if code != exitError || len(gh.Writes()) != 0 {
		t.Errorf("second run: exit %d, %d writes", code, len(gh.Writes()))
	}
}

// An unusable state location (its parent is a regular file; the tests run
// as root, so permissions cannot be used): run --apply must stop before
// writing to GitHub.
func TestCampaignReadOnlyStateDir(t *testing.T) {
	gh := campaignFake(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	_ = os.WriteFile(file, []byte("x"), 0o600)
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, "campaign", "run", "--apply",
		"--github-url", gh.URL(), "--registry-url", demoRegistryURL(t), "--state", filepath.Join(file, "campaign.json"), demoLock)
	t.Logf("exit %d stderr %q writes %d", code, stderr, len(gh.Writes()))
	if len(gh.Writes()) != 0 || code != exitError {
		t.Errorf("exit %d, %d writes with an unusable state", code, len(gh.Writes()))
	}
}

// Flags that do nothing in a dry run, and --only naming no target, are
// said on stderr rather than ignored.
func TestCampaignNotes(t *testing.T) {
	gh := campaignFake(t)
	common, _ := campaignArgs(t, gh)
	vars := map[string]string{"GITHUB_TOKEN": testToken}
	_, stderr, code := runCampaignCLI(t, vars, append([]string{"campaign", "run", "--max-prs", "1", "--draft", "--only", "dry-strcut"}, append(common, demoLock)...)...)
	for _, want := range []string{"--max-prs has no effect without --apply", "--draft has no effect without --apply", "--only dry-strcut: not among the targets"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if code != exitOK || len(gh.Writes()) != 0 {
		t.Errorf("exit %d, %d writes", code, len(gh.Writes()))
	}
}

// --draft opens drafts; --title template renders.
func TestCampaignDraftAndTitle(t *testing.T) {
	gh := campaignFake(t)
	common, _ := campaignArgs(t, gh)
	_, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, append([]string{"campaign", "run", "--apply", "--draft", "--title", "MFA for {{gems .Gems}} in {{.Repo}}"}, append(common, demoLock)...)...)
	prs := gh.PRs("dry-rb/dry-struct")
	if code != 0 || len(prs) != 1 || !prs[0].Draft || prs[0].Title != "MFA for `dry-struct` in dry-rb/dry-struct" {
		t.Errorf("exit %d %s PRs %+v", code, stderr, prs)
	}
}

// Untrusted text: escape sequences in the viewer's login/name reach
// stderr/stdout?
func TestCampaignUntrustedViewerAndRepo(t *testing.T) {
	gh := githubtest.New(t)
	gh.SetViewer("octo\x1b]0;pwned\x07", 7, "Evil \x1b[2J Name", "e\x1b[31m@x")
	gh.AddRepo(githubtest.Repo{Owner: "dry-rb", Name: "dry-struct", Files: map[string]string{
		"dry-struct.gemspec": dryStructSpec,
	}})
	common, _ := campaignArgs(t, gh)
	stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, append([]string{"campaign", "run", "--apply"}, append(common, demoLock)...)...)
	t.Logf("exit %d\n%s\n%s", code, stdout, stderr)
	for _, o := range []string{stdout, stderr} {
		if strings.ContainsAny(o, "\x1b\x07") {
			t.Errorf("escape sequence reached the terminal: %q", o)
		}
	}
}

// RubyGems.org fails while the lockfile is audited (a 403, which is not
// retried): the gems it could not judge must not be dropped from the
// campaign without a word; the command exits 1 and names them.
func TestCampaignRegistryDownTargetsDropped(t *testing.T) {
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer reg.Close()
	gh := campaignFake(t)
	dir := t.TempDir()
	stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, "campaign", "plan",
		"--github-url", gh.URL(), "--registry-url", reg.URL, "--no-cache", "--state", filepath.Join(dir, "s.json"), demoLock)
	if code != exitError || stdout != "" || !strings.Contains(stderr, "registry lookup of 6 gem(s) failed (ble, coulda, dry-struct, json, rails, and 1 more)") {
		t.Errorf("with RubyGems.org refusing: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestCampaignUsageExitCodes(t *testing.T) {
	gh := campaignFake(t)
	common, _ := campaignArgs(t, gh)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"campaign", "plan", "--max-prs", "1"}, exitUsage},
		{[]string{"campaign", "plan", "--bogus"}, exitUsage},
		{[]string{"campaign", "status", "--gem", "x"}, exitUsage},
		{[]string{"campaign", "run", "--max-prs", "x"}, exitUsage},
		{[]string{"campaign", "plan", "--format", "JSON"}, exitUsage},
		{[]string{"campaign", "plan", "--github-url", "ftp://x"}, exitUsage},
		{[]string{"campaign", "plan", "--github-url", "https://tok@ghe.example.com"}, exitUsage},
		{[]string{"campaign", "plan", "--github-url", "http://ghe.example.com"}, exitUsage},
		{[]string{"campaign", "run", "--apply", "--title", "   "}, exitUsage},
	} {
		before := len(gh.Requests())
		args := append(append(append([]string{}, tc.args[:2]...), common...), append(tc.args[2:], demoLock)...)
		stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, args...)
		if code != tc.code || stdout != "" || len(gh.Requests()) != before {
			t.Errorf("%v: exit %d, %d bytes on stdout, %d requests; want %d and nothing\n%s", tc.args, code, len(stdout), len(gh.Requests())-before, tc.code, stderr)
		}
		noToken(t, testToken, stderr)
	}
}
