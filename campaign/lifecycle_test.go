package campaign

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

// ourPR returns the campaign's pull request on repo.
func ourPR(t *testing.T, w *world, repo string) githubtest.PR {
	t.Helper()
	for _, pr := range w.gh.PRs(repo) {
		if pr.HeadRef == DefaultBranch {
			return pr
		}
	}
	t.Fatalf("%s has no campaign pull request", repo)
	return githubtest.PR{}
}

// TestLostStateFile: after a complete run, the state file is lost and
// search has not caught up with the new pull requests; the forge itself
// (the branch, the pull request listed by head) tells the next run that
// everything is done.
func TestLostStateFile(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.SetSearchLag(1000)
	ctx := context.Background()
	if _, err := w.run(ctx, ApplyOptions{}, resumeGems...); err != nil {
		t.Fatal(err)
	}
	before := len(w.gh.Writes())
	if err := os.Remove(w.state); err != nil {
		t.Fatal(err)
	}
	p, err := w.run(ctx, ApplyOptions{}, resumeGems...)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.gh.Writes()) - before; n != 0 {
		t.Errorf("the run without a state file made %d writes", n)
	}
	for _, r := range resumeRepos {
		if rp := repoPlan(t, p, r.upstream); rp.Outcome != OutcomePROpen || !rp.Ours {
			t.Errorf("%s: %s (%s), want the campaign's open pull request", r.upstream, rp.Outcome, rp.Reason)
		}
	}
	checkDoneOnce(t, w)
	// The state is rebuilt from the forge: status follows the pull
	// requests again.
	st, err := OpenState(w.state, false)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := w.campaign(Options{}).Status(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != len(resumeRepos) {
		t.Errorf("status lists %d pull requests, want %d", len(ss), len(resumeRepos))
	}
}

// TestTitleEditedAndForkRenamed: the maintainers retitled the campaign's
// pull request and the fork was renamed, so neither the title nor the
// head finds it; the marker in the body still does.
func TestMarkerFindsRetitledPullRequest(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.AddPR("acme/widget", githubtest.PR{Title: "Harden gem releases", User: viewerLogin,
		Body:      "Sets the flag rubygems_mfa_required.\n\n<!-- mfaudit:v1 gems=widget -->\n",
		HeadOwner: "elsewhere", HeadRepo: "elsewhere/widget", HeadRef: "other", BaseRef: "main", State: "open"})
	p := w.plan("widget")
	rp := repoPlan(t, p, "acme/widget")
	if rp.Outcome != OutcomePROpen || !rp.Ours || !strings.Contains(rp.Reason, "mfaudit's pull request #1") {
		t.Errorf("outcome %s ours=%v: %s", rp.Outcome, rp.Ours, rp.Reason)
	}
}

// TestDeclinedPullRequestLeftAlone: the maintainers close the campaign's
// pull request without merging it. The next run opens no other, and
// status calls it declined.
func TestDeclinedPullRequestLeftAlone(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	ctx := context.Background()
	if _, err := w.run(ctx, ApplyOptions{}, "widget"); err != nil {
		t.Fatal(err)
	}
	pr := ourPR(t, w, "acme/widget")
	w.gh.SetPRState("acme/widget", pr.Number, "closed", false)
	before := len(w.gh.Writes())
	for _, lose := range []bool{false, true} {
		if lose {
			os.Remove(w.state)
		}
		p, err := w.run(ctx, ApplyOptions{}, "widget")
		if err != nil {
			t.Fatal(err)
		}
		if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeDeclined {
			t.Errorf("lost state %v: %s (%s), want declined", lose, rp.Outcome, rp.Reason)
		}
	}
	if n := len(w.gh.Writes()) - before; n != 0 {
		t.Errorf("%d writes after the pull request was declined", n)
	}
	if n := len(w.gh.PRs("acme/widget")); n != 1 {
		t.Errorf("%d pull requests on acme/widget, want the declined one only", n)
	}
	st, _ := OpenState(w.state, false)
	ss, err := w.campaign(Options{}).Status(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 || ss[0].State != PRDeclined {
		t.Errorf("status %+v, want one declined pull request", ss)
	}
}

// TestStatusThroughMergeAndRelease follows a draft pull request until
// the gem is really protected: draft, open, merged but not released (the
// default branch now has the flag: a plan says fixed upstream), released.
func TestStatusThroughMergeAndRelease(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	ctx := context.Background()
	st, err := OpenState(w.state, true)
	if err != nil {
		t.Fatal(err)
	}
	c := w.campaign(Options{Draft: true})
	p, err := c.Plan(ctx, targets("railsy-core", "railsy-web"), st)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, p, st, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	status := func() PRStatus {
		t.Helper()
		st, err := OpenState(w.state, false)
		if err != nil {
			t.Fatal(err)
		}
		before := len(w.gh.Writes())
		ss, err := w.campaign(Options{}).Status(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.gh.Writes()) != before {
			t.Error("status wrote to the forge")
		}
		if len(ss) != 1 {
			t.Fatalf("status lists %d pull requests, want 1", len(ss))
		}
		return ss[0]
	}
	if s := status(); s.State != PRDraft || strings.Join(s.Gems, ",") != "railsy-core,railsy-web" {
		t.Errorf("after the run: %+v, want a draft for both gems", s)
	}
	pr := ourPR(t, w, "acme/railsy")
	w.gh.SetPRState("acme/railsy", pr.Number, "open", false)
	w.gh.SetPRState("acme/railsy", pr.Number, "", true)
	s := status()
	if s.State != PRMergedUnreleased || len(s.Releases) != 2 || s.Releases[0].Protected {
		t.Errorf("after the merge: %+v, want merged, not released", s)
	}
	if got, ok := w.gh.File("acme/railsy", "main", "core/railsy-core.gemspec"); !ok || !strings.Contains(got, "rubygems_mfa_required") {
		t.Fatal("the merge did not reach main")
	}
	if o := outcomes(w.plan("railsy-core", "railsy-web")); o["railsy-core"] != OutcomeFixedUpstream || o["railsy-web"] != OutcomeFixedUpstream {
		t.Errorf("plan after the merge: %v, want fixed upstream", o)
	}
	// One gem released with the flag, then the other.
	w.reg.release("railsy-core", "3.1.0", map[string]string{"rubygems_mfa_required": "true"})
	if s := status(); s.State != PRMergedUnreleased || !s.Releases[0].Protected || s.Releases[1].Protected {
		t.Errorf("after one release: %+v", s)
	}
	w.reg.release("railsy-web", "3.1.0", map[string]string{"rubygems_mfa_required": "true"})
	if s := status(); s.State != PRReleased {
		t.Errorf("after both releases: %+v, want released", s)
	}
	if o := outcomes(w.plan("railsy-core")); o["railsy-core"] != OutcomeProtected {
		t.Errorf("plan after the release: %v, want protected", o)
	}
}

// TestRateLimitsPauseAndResume: a secondary limit on a fork, a 429
// without classification on a search, a primary limit on the pull
// request: each pauses the run with a message, then it goes on.
func TestRateLimitsPauseAndResume(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.Script("POST", `/repos/acme/widget/forks$`, 1, githubtest.SecondaryLimited(time.Second))
	w.gh.Script("GET", `/search/issues$`, 1, githubtest.TooManyRequests(time.Second))
	w.gh.Script("POST", `/repos/acme/widget/pulls$`, 1, githubtest.RateLimited(time.Now().Add(time.Second)))
	start := time.Now()
	p, err := w.run(context.Background(), ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeOpened {
		t.Fatalf("%s: %s", rp.Outcome, rp.Reason)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("the run took %s: it cannot have waited out three limits", d)
	}
	var pauses []string
	for _, l := range w.logs {
		if strings.HasPrefix(l, "pause: ") {
			pauses = append(pauses, l)
		}
	}
	for _, want := range []string{"secondary rate limit during fork acme/widget", "rate limit (429) during search", "primary rate limit during open pull request"} {
		found := false
		for _, l := range pauses {
			found = found || strings.Contains(l, want)
		}
		if !found {
			t.Errorf("no pause message with %q in %q", want, pauses)
		}
	}
	checkOne(t, w, "acme/widget")
}

// checkOne asserts one campaign pull request on repo.
func checkOne(t *testing.T, w *world, repo string) {
	t.Helper()
	n := 0
	for _, pr := range w.gh.PRs(repo) {
		if pr.HeadRef == DefaultBranch {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s: %d campaign pull requests, want 1", repo, n)
	}
}

// TestRateLimitTooLong: a limit that would pause longer than MaxPause
// fails the repository and stops the run; the rest is held.
func TestRateLimitTooLong(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	f, err := NewGitHub(GitHubOptions{URL: w.gh.URL(), Token: "ghp_another_test_token", WriteInterval: time.Millisecond,
		SearchInterval: time.Millisecond, ReadInterval: time.Microsecond, MaxPause: time.Second, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	w.gh.Script("POST", `/repos/acme/widget/forks$`, 1, githubtest.SecondaryLimited(time.Hour))
	st, _ := OpenState(w.state, true)
	defer st.Close()
	c := w.campaign(Options{Forge: f})
	p, err := c.Plan(context.Background(), targets("widget", "ownedgem"), st)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(context.Background(), p, st, ApplyOptions{}); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("Apply: %v, want ErrRateLimited", err)
	}
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeFailed || !strings.Contains(rp.Reason, "would have to wait 1h0m0s") {
		t.Errorf("widget: %s: %s", rp.Outcome, rp.Reason)
	}
	// The limit holds for the whole account: the rest waits for the next
	// run instead of failing one by one.
	if rp := repoPlan(t, p, viewerLogin+"/ownedgem"); rp.Outcome != OutcomeHeld {
		t.Errorf("ownedgem: %s: %s", rp.Outcome, rp.Reason)
	}
	if s := p.Summary; s.Errors != 1 || s.Held != 1 {
		t.Errorf("summary %+v, want one error and one held", s)
	}
}

// TestForkAppearsLater: GitHub answers a fork with 202 and creates it in
// the background; the run polls until it exists.
func TestForkAppearsLater(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.SetForkDelay(3)
	p, err := w.run(context.Background(), ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeOpened {
		t.Fatalf("%s: %s", rp.Outcome, rp.Reason)
	}
	gets := 0
	for _, r := range w.gh.Requests() {
		if r.Method == "GET" && r.Path == "/api/v3/repos/"+viewerLogin+"/widget" {
			gets++
		}
	}
	if gets < 4 {
		t.Errorf("the fork was asked for %d times, want at least 4 (3 not yet, then there)", gets)
	}
	checkOne(t, w, "acme/widget")
}

// TestMaxPRs holds the pull requests past --max-prs for the next run.
func TestMaxPRs(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	ctx := context.Background()
	p, err := w.run(ctx, ApplyOptions{MaxPRs: 1}, "widget", "ownedgem", "forkedgem")
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Summary; s.PullRequests != 1 || s.Held != 2 {
		t.Fatalf("summary %+v, want 1 opened and 2 held", s)
	}
	p, err = w.run(ctx, ApplyOptions{MaxPRs: 5}, "widget", "ownedgem", "forkedgem")
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Summary; s.PullRequests != 2 || s.Held != 0 {
		t.Errorf("second run %+v, want the 2 held ones opened", s)
	}
}

// TestBranchConflict: the viewer's fork already has a branch of the
// campaign's name holding something else; mfaudit never overwrites it.
func TestBranchConflict(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.AddFork("acme/widget", viewerLogin, "widget")
	// A branch of that name, made by someone, pointing at main.
	f := w.forge()
	ctx := context.Background()
	head, err := f.BranchHead(ctx, viewerLogin+"/widget", "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CreateBranch(ctx, viewerLogin+"/widget", DefaultBranch, head); err != nil {
		t.Fatal(err)
	}
	before := len(w.gh.Writes())
	p, err := w.run(ctx, ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeBranchConflict {
		t.Errorf("%s: %s, want a branch conflict", rp.Outcome, rp.Reason)
	}
	if n := len(w.gh.Writes()) - before; n != 0 {
		t.Errorf("%d writes despite the conflict", n)
	}
}

// TestStateFile: a file that is not a campaign state is refused, never
// overwritten; a second run cannot take a state in use.
func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/audit.json"
	os.WriteFile(bad, []byte(`{"schema": "mfaudit/v1", "lockfiles": []}`), 0o644)
	if _, err := OpenState(bad, true); err == nil || !strings.Contains(err.Error(), "not a campaign state file") {
		t.Errorf("OpenState of an audit report: %v", err)
	}
	if data, _ := os.ReadFile(bad); !strings.Contains(string(data), "lockfiles") {
		t.Error("the audit report was overwritten")
	}
	path := dir + "/state/campaign.json"
	st, err := OpenState(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenState(path, true); !errors.Is(err, ErrStateBusy) {
		t.Errorf("a second lock: %v, want ErrStateBusy", err)
	}
	st.Close()
	st2, err := OpenState(path, true)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	st2.Close()
}

// TestReadFailuresAreErrors: a repository the forge fails to list is an
// error outcome (the run exits 1), and the other repositories are planned.
func TestReadFailuresAreErrors(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.Script("GET", `/repos/acme/widget/git/trees/`, -1, githubtest.Response{Status: 500, Body: `{"message":"Server Error"}`})
	p := w.plan("widget", "ownedgem")
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeError || !strings.Contains(rp.Reason, "listing the files") {
		t.Errorf("widget: %s: %s", rp.Outcome, rp.Reason)
	}
	if o := outcomes(p)["ownedgem"]; o != OutcomeOpen {
		t.Errorf("ownedgem: %s", o)
	}
	if p.Summary.Errors != 1 {
		t.Errorf("summary %+v", p.Summary)
	}
}

// TestTokens: without a token a plan reads anonymously and assumes a fork;
// a token GitHub refuses stops the plan with one clear error.
func TestTokens(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	anon, err := NewGitHub(GitHubOptions{URL: w.gh.URL(), ReadInterval: time.Microsecond, SearchInterval: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.campaign(Options{Forge: anon}).Plan(context.Background(), targets("widget"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rp := repoPlan(t, p, "acme/widget"); rp.Outcome != OutcomeOpen || !rp.Fork || p.Viewer != "" {
		t.Errorf("anonymous plan: %s fork=%v viewer=%q", rp.Outcome, rp.Fork, p.Viewer)
	}
	for _, r := range w.gh.Requests() {
		if r.Auth != "" || r.Path == "/api/v3/user" {
			t.Errorf("anonymous plan sent %s %s with Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	w.gh.Script("GET", `/user$`, 1, githubtest.Response{Status: 401, Body: `{"message":"Bad credentials"}`})
	_, err = w.campaign(Options{}).Plan(context.Background(), targets("widget"), nil)
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("plan with a refused token: %v", err)
	}
}
