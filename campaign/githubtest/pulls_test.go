package githubtest

import (
	"net/http"
	"testing"

	"github.com/google/go-github/v62/github"
)

// forkWithChange makes bot's fork of rails/rails with branch "fix" one commit
// ahead of main, through the API.
func forkWithChange(t *testing.T) (*Server, *github.Client, string) {
	t.Helper()
	s, c, ctx := setup(t)
	s.AddFork("rails/rails", "bot", "rails")
	main, _ := s.Branch("rails/rails", "main")
	sha := commitFile(t, ctx, c, "bot", "rails", main, "rails.gemspec", "mfa\n")
	if _, _, err := c.Git.CreateRef(ctx, "bot", "rails", &github.Reference{Ref: github.String("refs/heads/fix"), Object: &github.GitObject{SHA: github.String(sha)}}); err != nil {
		t.Fatal(err)
	}
	return s, c, sha
}

func TestCreatePull(t *testing.T) {
	s, c, head := forkWithChange(t)
	ctx := t.Context()
	pr, resp, err := c.PullRequests.Create(ctx, "rails", "rails", &github.NewPullRequest{
		Title: github.String("Require MFA"), Head: github.String("bot:fix"), Base: github.String("main"),
		Body: github.String("Body text"), Draft: github.Bool(true), MaintainerCanModify: github.Bool(true)})
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("Create: %v", err)
	}
	if pr.GetNumber() != 1 || pr.GetState() != "open" || !pr.GetDraft() || pr.GetMerged() || pr.MergedAt != nil ||
		pr.GetHead().GetSHA() != head || pr.GetHead().GetLabel() != "bot:fix" || pr.GetHead().GetRepo().GetFullName() != "bot/rails" ||
		pr.GetBase().GetRepo().GetFullName() != "rails/rails" || pr.GetUser().GetLogin() != "bot" ||
		pr.GetHTMLURL() != s.URL()+"/rails/rails/pull/1" {
		t.Errorf("pr = %v", pr)
	}

	dup := &github.NewPullRequest{Title: github.String("again"), Head: github.String("bot:fix"), Base: github.String("main")}
	_, _, err = c.PullRequests.Create(ctx, "rails", "rails", dup)
	if statusOf(err) != http.StatusUnprocessableEntity || errMessage(err) != "Validation Failed | A pull request already exists for bot:fix." {
		t.Errorf("duplicate: %q", errMessage(err))
	}

	got, _, err := c.PullRequests.Get(ctx, "rails", "rails", 1)
	if err != nil || got.GetTitle() != "Require MFA" || got.GetBody() != "Body text" {
		t.Errorf("Get = %v, %v", got, err)
	}
	if _, _, err := c.PullRequests.Get(ctx, "rails", "rails", 9); statusOf(err) != http.StatusNotFound {
		t.Errorf("Get missing: %v", err)
	}

	tests := []struct {
		name string
		opts github.PullRequestListOptions
		want int
	}{
		{"default open", github.PullRequestListOptions{}, 1},
		{"by head", github.PullRequestListOptions{Head: "BOT:fix"}, 1},
		{"other head", github.PullRequestListOptions{Head: "bot:other"}, 0},
		{"other owner", github.PullRequestListOptions{Head: "someone:fix"}, 0},
		{"closed", github.PullRequestListOptions{State: "closed"}, 0},
		{"all by base", github.PullRequestListOptions{State: "all", Base: "main"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, _, err := c.PullRequests.List(ctx, "rails", "rails", &tt.opts)
			if err != nil || len(list) != tt.want {
				t.Errorf("List = %d PRs, %v; want %d", len(list), err, tt.want)
			}
		})
	}

	s.SetPRState("rails/rails", 1, "closed", true)
	if cs := s.Commits("rails/rails", "main"); len(cs) != 2 || cs[0] != head {
		t.Errorf("main after merge = %v, want %s on top of the initial commit", cs, head)
	}
	if got, _ := s.File("rails/rails", "main", "rails.gemspec"); got != "mfa\n" {
		t.Errorf("main after merge has rails.gemspec %q", got)
	}
	closed, _, err := c.PullRequests.List(ctx, "rails", "rails", &github.PullRequestListOptions{State: "closed", Head: "bot:fix"})
	if err != nil || len(closed) != 1 || !closed[0].GetMerged() || closed[0].MergedAt == nil {
		t.Errorf("closed list = %v, %v", closed, err)
	}
	if prs := s.PRs("rails/rails"); len(prs) != 1 || prs[0].HeadRepo != "bot/rails" || !prs[0].Merged || prs[0].State != "closed" || !prs[0].Draft {
		t.Errorf("PRs = %+v", prs)
	}
	// After the merge there is nothing left to propose.
	_, _, err = c.PullRequests.Create(ctx, "rails", "rails", dup)
	if errMessage(err) != "Validation Failed | No commits between main and bot:fix" {
		t.Errorf("after merge: %q", errMessage(err))
	}
}

func TestCreatePullInvalid(t *testing.T) {
	_, c, _ := forkWithChange(t)
	ctx := t.Context()
	tests := []struct {
		name, head, base, field string
	}{
		{"missing head branch", "bot:nope", "main", "head"},
		{"unknown head owner", "stranger:fix", "main", "head"},
		{"missing base", "bot:fix", "nope", "base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.PullRequests.Create(ctx, "rails", "rails", &github.NewPullRequest{Title: github.String("t"), Head: github.String(tt.head), Base: github.String(tt.base)})
			var er *github.ErrorResponse
			if statusOf(err) != http.StatusUnprocessableEntity || !asErr(err, &er) || len(er.Errors) != 1 || er.Errors[0].Field != tt.field {
				t.Errorf("err = %v", err)
			}
		})
	}
	// A branch of the base repository itself with no commits beyond base.
	_, _, err := c.PullRequests.Create(ctx, "rails", "rails", &github.NewPullRequest{Title: github.String("t"), Head: github.String("main"), Base: github.String("main")})
	if errMessage(err) != "Validation Failed | No commits between main and main" {
		t.Errorf("same branch: %q", errMessage(err))
	}
}

func TestAddPRAndReopen(t *testing.T) {
	s, c, _ := forkWithChange(t)
	ctx := t.Context()
	n := s.AddPR("rails/rails", PR{Number: 5, Title: "old", HeadOwner: "bot", HeadRef: "fix", BaseRef: "main", State: "closed"})
	if n != 5 {
		t.Fatalf("AddPR = %d", n)
	}
	if n := s.AddPR("rails/rails", PR{Title: "next", HeadRef: "main"}); n != 6 {
		t.Errorf("second AddPR = %d, want 6", n)
	}
	pr, _, err := c.PullRequests.Get(ctx, "rails", "rails", 5)
	if err != nil || pr.GetState() != "closed" || pr.GetHead().GetRepo().GetFullName() != "bot/rails" || pr.GetUser().GetLogin() != "bot" {
		t.Fatalf("Get = %v, %v", pr, err)
	}
	s.SetPRState("rails/rails", 5, "open", false)
	open, _, err := c.PullRequests.List(ctx, "rails", "rails", &github.PullRequestListOptions{Head: "bot:fix"})
	if err != nil || len(open) != 1 || open[0].GetNumber() != 5 {
		t.Errorf("open = %v, %v", open, err)
	}
}

func TestPullPagination(t *testing.T) {
	s, c, _ := setup(t)
	for i := 0; i < 5; i++ {
		s.AddPR("rails/rails", PR{Title: "p", HeadRef: "main"})
	}
	var got []int
	opts := &github.PullRequestListOptions{ListOptions: github.ListOptions{PerPage: 2}}
	for {
		list, resp, err := c.PullRequests.List(t.Context(), "rails", "rails", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			got = append(got, p.GetNumber())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(got) != 5 || got[0] != 5 || got[4] != 1 {
		t.Errorf("numbers = %v, want 5..1", got)
	}
}

func TestMergeDivergedCreatesMergeCommit(t *testing.T) {
	s, c, head := forkWithChange(t)
	s.SetViewer("rails", 7, "", "r@example.com")
	main, _ := s.Branch("rails/rails", "main")
	other := commitFile(t, t.Context(), c, "rails", "rails", main, "CHANGELOG.md", "news\n")
	ref := &github.Reference{Ref: github.String("refs/heads/main"), Object: &github.GitObject{SHA: github.String(other)}}
	if _, _, err := c.Git.UpdateRef(t.Context(), "rails", "rails", ref, false); err != nil {
		t.Fatal(err)
	}
	n := s.AddPR("rails/rails", PR{Title: "t", HeadOwner: "bot", HeadRef: "fix"})
	s.SetPRState("rails/rails", n, "closed", true)
	cs := s.Commits("rails/rails", "main")
	if len(cs) != 3 || cs[1] != other {
		t.Fatalf("main = %v", cs)
	}
	mc, _, err := c.Git.GetCommit(t.Context(), "rails", "rails", cs[0])
	if err != nil || len(mc.Parents) != 2 || mc.Parents[1].GetSHA() != head {
		t.Errorf("merge commit = %v, %v", mc, err)
	}
	if got, _ := s.File("rails/rails", "main", "rails.gemspec"); got != "mfa\n" {
		t.Errorf("rails.gemspec = %q", got)
	}
}
