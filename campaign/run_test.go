package campaign

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

// TestRunFleet applies the fleet's plan: one pull request per repository
// that needs one, from a fork unless the token can push, each a single
// commit on the campaign's branch holding exactly the planned edit; then
// a second run writes nothing.
func TestRunFleet(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	ctx := context.Background()
	p, err := w.run(ctx, ApplyOptions{}, fleetGems...)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Summary; s.PullRequests != 5 || s.Errors != 0 {
		t.Fatalf("summary %+v, want 5 pull requests and no error", s)
	}
	for _, tc := range []struct {
		upstream, head string
		files          []string
		gems           string
	}{
		{"acme/widget", viewerLogin + "/widget", []string{"widget.gemspec"}, "widget"},
		{"acme/railsy", viewerLogin + "/railsy", []string{"core/railsy-core.gemspec", "web/railsy-web.gemspec"}, "railsy-core,railsy-web"},
		{viewerLogin + "/ownedgem", viewerLogin + "/ownedgem", []string{"ownedgem.gemspec"}, "ownedgem"},
		{"newowner/renamedgem", viewerLogin + "/renamedgem", []string{"renamedgem.gemspec"}, "renamedgem"},
		{"upstream/forkedgem", viewerLogin + "/forkedgem", []string{"forkedgem.gemspec"}, "forkedgem"},
	} {
		prs := w.gh.PRs(tc.upstream)
		var ours []githubtest.PR
		for _, pr := range prs {
			if pr.HeadRef == DefaultBranch {
				ours = append(ours, pr)
			}
		}
		if len(ours) != 1 {
			t.Errorf("%s: %d campaign pull requests, want 1 (%+v)", tc.upstream, len(ours), prs)
			continue
		}
		pr := ours[0]
		if pr.HeadRepo != tc.head || pr.State != "open" || !strings.Contains(pr.Body, "<!-- mfaudit:v1 gems="+tc.gems+" -->") {
			t.Errorf("%s: pull request from %s, state %s, body marker missing: %q", tc.upstream, pr.HeadRepo, pr.State, pr.Body)
		}
		if pr.Title != "Require MFA for gem pushes (rubygems_mfa_required)" {
			t.Errorf("%s: title %q", tc.upstream, pr.Title)
		}
		commits := w.gh.Commits(tc.head, DefaultBranch)
		base := w.gh.Commits(tc.upstream, "main")
		if len(commits) != len(base)+1 || commits[1] != base[0] {
			t.Errorf("%s: branch has %d commits over %d on main, want exactly one on top of main", tc.head, len(commits), len(base))
		}
		rp := repoPlan(t, p, tc.upstream)
		if len(rp.Edits) != len(tc.files) {
			t.Fatalf("%s: %d edits, want %v", tc.upstream, len(rp.Edits), tc.files)
		}
		for i, f := range tc.files {
			got, ok := w.gh.File(tc.head, DefaultBranch, f)
			if !ok || got != string(rp.Edits[i].New) || rp.Edits[i].Path != f {
				t.Errorf("%s: %s on the branch is not the planned edit", tc.upstream, f)
			}
			if !strings.Contains(got, "rubygems_mfa_required") {
				t.Errorf("%s: %s lacks the flag", tc.upstream, f)
			}
		}
	}
	// The token could push to ownedgem: no fork of it.
	for _, r := range w.gh.Repos() {
		if strings.HasSuffix(r, "/ownedgem") && r != viewerLogin+"/ownedgem" {
			t.Errorf("a fork of ownedgem was made: %s", r)
		}
	}
	// Nothing was written to the repositories that are skipped.
	for _, r := range []string{"acme/fixedgem", "acme/optout", "acme/declinedgem", "acme/opengem", "acme/archivedgem"} {
		if _, ok := w.gh.Branch(r, DefaultBranch); ok {
			t.Errorf("%s got the campaign's branch", r)
		}
	}
	if n := len(w.gh.PRs("acme/declinedgem")); n != 1 {
		t.Errorf("declinedgem has %d pull requests, want only the declined one", n)
	}
	if n := len(w.gh.PRs("acme/opengem")); n != 1 {
		t.Errorf("opengem has %d pull requests, want only the open one", n)
	}

	// A second run finds everything done and writes nothing.
	before := len(w.gh.Writes())
	p2, err := w.run(ctx, ApplyOptions{}, fleetGems...)
	if err != nil {
		t.Fatal(err)
	}
	if after := len(w.gh.Writes()); after != before {
		t.Errorf("the second run made %d writes", after-before)
	}
	if s := p2.Summary; s.PullRequests != 0 || s.Errors != 0 {
		t.Errorf("second run summary %+v, want nothing to open", s)
	}
	for _, r := range []string{"acme/widget", "acme/railsy", viewerLogin + "/ownedgem", "newowner/renamedgem", "upstream/forkedgem"} {
		if rp := repoPlan(t, p2, r); rp.Outcome != OutcomePROpen || !rp.Ours {
			t.Errorf("second run: %s is %s (ours %v), want the campaign's open pull request", r, rp.Outcome, rp.Ours)
		}
	}
	// The token is sent to the API and never written to the state.
	for _, r := range w.gh.Requests() {
		if r.Auth != "Bearer ghp_test_token_never_printed" {
			t.Fatalf("request %s %s carried Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	st, err := OpenState(w.state, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Repos) == 0 {
		t.Fatal("empty state")
	}
	if data, err := os.ReadFile(w.state); err != nil || strings.Contains(string(data), "ghp_") {
		t.Errorf("the state file holds the token (or cannot be read: %v)", err)
	}
	rs := st.Repos["github.com/acme/railsy"]
	if rs == nil || rs.PullRequest == nil || rs.Commit == "" || rs.HeadRepo != viewerLogin+"/railsy" || len(rs.Blobs) != 2 {
		t.Errorf("state of acme/railsy: %+v", rs)
	}
	for _, l := range w.logs {
		if strings.Contains(l, "ghp_") {
			t.Errorf("the token was logged: %s", l)
		}
	}
}
