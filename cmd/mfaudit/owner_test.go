package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/campaign"
	"github.com/mfaudit/mfaudit/campaign/githubtest"
	"github.com/mfaudit/mfaudit/report"
)

// ownerRegistry serves the recorded answer of GET
// /api/v1/owners/bbatsov/gems.json (testdata/.../owners/bbatsov), and for
// each of its gems a versions list constructed from it: the one release the
// answer describes, with its metadata and downloads.
func ownerRegistry(t *testing.T) *fakeRegistry {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "..", "registry", "testdata", "api", "v1", "owners", "bbatsov", "gems.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Name      string            `json:"name"`
		Version   string            `json:"version"`
		Downloads int64             `json:"version_downloads"`
		Metadata  map[string]string `json:"metadata"`
		Homepage  *string           `json:"homepage_uri"`
		Source    *string           `json:"source_code_uri"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	gems := map[string]*fakeGem{}
	for _, g := range list {
		links := map[string]string{}
		if g.Homepage != nil {
			links["homepage_uri"] = *g.Homepage
		}
		if g.Source != nil {
			links["source_code_uri"] = *g.Source
		}
		gems[g.Name] = &fakeGem{Builds: []fakeBuild{{Number: g.Version, Platform: "ruby", Metadata: g.Metadata, Downloads: g.Downloads}}, Links: links}
	}
	fr := newFakeRegistry(t, gems)
	fr.owners = map[string][]byte{"bbatsov": body}
	return fr
}

// TestOwner audits bbatsov's gems: the verdicts, one request per gem plus
// one for the handle, JSON and SARIF with the results on the gems' pages,
// and an unknown handle.
func TestOwner(t *testing.T) {
	fr := ownerRegistry(t)
	stdout, stderr, code := runCLI(t, terminal{}, "owner", "--no-cache", "--format", "json", "--registry-url", fr.URL(), "bbatsov")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s", code, exitFindings, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Lockfiles) != 1 || r.Lockfiles[0].Owner != "bbatsov" || r.Lockfiles[0].Path != "https://rubygems.org/profiles/bbatsov" {
		t.Fatalf("sections %+v", r.Lockfiles)
	}
	got := map[string]report.Status{}
	for _, f := range r.Lockfiles[0].Gems {
		got[f.Name] = f.Status
		if f.Name == "rubocop-rake" && (f.SourceCodeURI == nil || *f.SourceCodeURI != "https://github.com/rubocop/rubocop-rake") {
			t.Errorf("rubocop-rake source %v", f.SourceCodeURI)
		}
	}
	// The recorded answer: seven gems set the flag; of the five that do
	// not, none is over 180 million downloads.
	want := map[string]report.Status{
		"rubocop": report.Protected, "rubocop-ast": report.Protected, "rubocop-minitest": report.Protected,
		"rubocop-performance": report.Protected, "rubocop-rails": report.Protected, "rubocop-sequel": report.Protected,
		"guard-rubocop": report.Unprotected, "powerpack": report.Unprotected, "webpack-assets": report.Unprotected,
		"rubocop-rake": report.Unprotected, "rubocop-extension-generator": report.Unprotected, "rubocop-rubycw": report.Unprotected,
	}
	if len(got) != 12 {
		t.Errorf("%d gems, want 12", len(got))
	}
	for g, st := range want {
		if got[g] != st {
			t.Errorf("%s: %s, want %s", g, got[g], st)
		}
	}
	paths := fr.paths()
	if paths["/api/v1/owners/bbatsov/gems.json"] != 1 {
		t.Errorf("the handle was asked for %d times", paths["/api/v1/owners/bbatsov/gems.json"])
	}
	versions := 0
	for p, n := range paths {
		if strings.HasPrefix(p, "/api/v1/versions/") {
			versions++
			if n != 1 {
				t.Errorf("%s asked %d times", p, n)
			}
		}
	}
	if versions != 12 || len(paths) != 13 {
		t.Errorf("%d versions lists and %d paths asked, want 12 and 13", versions, len(paths))
	}

	// SARIF: results on the gems' pages, a valid log.
	sarif := filepath.Join(t.TempDir(), "owner.sarif")
	runCLI(t, terminal{}, "owner", "--no-cache", "--format", "sarif", "--output", sarif, "--registry-url", fr.URL(), "bbatsov")
	data, _ := os.ReadFile(sarif)
	if !strings.Contains(string(data), `"uri": "https://rubygems.org/gems/powerpack"`) || strings.Contains(string(data), `"startLine": 0`) {
		t.Errorf("SARIF locations:\n%s", data)
	}
	tool := os.Getenv("MFAUDIT_SARIF_VALIDATE") // as in the report package's tests
	if tool == "" {
		tool = filepath.Join("..", "..", "..", "shared", "tools", "sarif-validate")
	}
	if _, err := os.Stat(tool); err == nil {
		out, err := exec.Command(tool, sarif).CombinedOutput()
		if err != nil || !regexp.MustCompile(`(?m)^error: 0`).Match(out) {
			t.Errorf("the SARIF does not validate (%v):\n%s", err, out)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatalf("SARIF validator %s not found", tool)
	}

	// The table names the owner; the gate and allowlist are audit's.
	table, _, code := runCLI(t, terminal{}, "owner", "--no-cache", "--registry-url", fr.URL(), "--fail-on", "none", "bbatsov")
	if code != exitOK || !strings.Contains(table, "owner bbatsov: https://rubygems.org/profiles/bbatsov (12 gems)") {
		t.Errorf("--fail-on none: exit %d\n%s", code, table)
	}

	// An unknown handle: a clear error, exit 1; an invalid one: usage.
	_, stderr, code = runCLI(t, terminal{}, "owner", "--no-cache", "--registry-url", fr.URL(), "bbatsov", "nosuchuser")
	if code != exitError || !strings.Contains(stderr, `RubyGems.org has no user "nosuchuser"`) {
		t.Errorf("unknown handle: exit %d, %s", code, stderr)
	}
	if _, _, code := runCLI(t, terminal{}, "owner", "../etc"); code != exitUsage {
		t.Errorf("invalid handle: exit %d", code)
	}
	if _, _, code := runCLI(t, terminal{}, "owner"); code != exitUsage {
		t.Errorf("no handle: exit %d", code)
	}
}

// TestCampaignOwner: a maintainer campaigns for their own portfolio. Where
// the token can push (their own repository, or one of their organisation's),
// the branch goes in place: no fork.
func TestCampaignOwner(t *testing.T) {
	fr := ownerRegistry(t)
	gh := githubtest.New(t)
	gh.SetViewer("bbatsov", 103882, "Bozhidar Batsov", "")
	spec := func(name, style string) string {
		return "Gem::Specification.new do |s|\n  s.name = '" + name + "'\n  s.version = '1.0.0'\n  s.metadata = {\n    'source_code_uri' => 'https://github.com/" + style + "'\n  }\nend\n"
	}
	gh.AddRepo(githubtest.Repo{Owner: "rubocop", Name: "rubocop-rake", Pushers: []string{"bbatsov"},
		Files: map[string]string{"rubocop-rake.gemspec": spec("rubocop-rake", "rubocop/rubocop-rake")}})
	gh.AddRepo(githubtest.Repo{Owner: "bbatsov", Name: "powerpack",
		Files: map[string]string{"powerpack.gemspec": spec("powerpack", "bbatsov/powerpack")}})
	reposBefore := len(gh.Repos())
	dir := t.TempDir()
	stdout, stderr, code := runCampaignCLI(t, map[string]string{"GITHUB_TOKEN": testToken}, "campaign", "run", "--apply", "--format", "json",
		"--owner", "bbatsov", "--github-url", gh.URL(), "--registry-url", fr.URL(), "--no-cache", "--state", filepath.Join(dir, "s.json"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stderr, stdout)
	}
	for _, repo := range []string{"rubocop/rubocop-rake", "bbatsov/powerpack"} {
		prs := gh.PRs(repo)
		if len(prs) != 1 || prs[0].HeadRepo != repo || prs[0].HeadRef != campaign.DefaultBranch {
			t.Errorf("%s: pull requests %+v, want one from a branch in the repository itself", repo, prs)
		}
	}
	if n := len(gh.Repos()); n != reposBefore {
		t.Errorf("%d repositories after the run, %d before: a fork was made", n, reposBefore)
	}
	var plan campaign.Plan
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatal(err)
	}
	from := map[string]string{}
	for _, r := range plan.Repos {
		for _, g := range r.Gems {
			from[g.Gem] = strings.Join(g.From, ",")
		}
	}
	// The six gems without the flag, none of the protected ones.
	if len(from) != 6 || from["rubocop-rake"] != "owner bbatsov" || from["rubocop"] != "" {
		t.Errorf("targets %v", from)
	}
}
