package githubtest

import (
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestSearchIssues(t *testing.T) {
	s, c, _ := forkWithChange(t)
	ctx := t.Context()
	s.AddRepo(Repo{Owner: "other", Name: "repo"})
	s.AddPR("rails/rails", PR{Title: "Unrelated fix", Body: "nothing to see", HeadRef: "main"})
	s.AddPR("rails/rails", PR{Title: "Old MFA attempt", Body: "rubygems_mfa_required", HeadRef: "main", State: "closed", Merged: true})
	s.AddPR("other/repo", PR{Title: "Require MFA", Body: "rubygems_mfa_required", HeadRef: "main"})

	tests := []struct {
		q    string
		want []int // newest first
	}{
		{"repo:rails/rails is:pr rubygems_mfa_required", []int{2}},
		{"repo:RAILS/rails is:pr is:open rubygems_mfa_required", nil},
		{"repo:rails/rails is:pr is:closed MFA in:title", []int{2}},
		{"repo:rails/rails is:pr rubygems_mfa_required in:title", nil},
		{"is:pr rubygems_mfa_required in:title,body", []int{1, 2}}, // other/repo#1, then rails/rails#2
		{"repo:rails/rails is:pr \"unrelated fix\"", []int{1}},
		{"repo:rails/rails is:pr fix nothing", []int{1}},
		{"repo:rails/rails is:issue fix", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, _, err := c.Search.Issues(ctx, tt.q, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, is := range res.Issues {
				got = append(got, is.GetNumber())
				if !is.IsPullRequest() || is.GetRepositoryURL() == "" {
					t.Errorf("item = %v", is)
				}
			}
			if res.GetTotal() != len(tt.want) || len(got) != len(tt.want) || res.GetIncompleteResults() {
				t.Fatalf("numbers = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("numbers = %v, want %v", got, tt.want)
				}
			}
		})
	}

	merged, _, err := c.Search.Issues(ctx, "repo:rails/rails is:pr Old MFA", nil)
	if err != nil || len(merged.Issues) != 1 || merged.Issues[0].GetPullRequestLinks().GetMergedAt().IsZero() ||
		merged.Issues[0].GetRepositoryURL() != s.URL()+"/api/v3/repos/rails/rails" ||
		merged.Issues[0].GetHTMLURL() != s.URL()+"/rails/rails/pull/2" {
		t.Errorf("merged = %v, %v", merged, err)
	}
}

func TestSearchLag(t *testing.T) {
	s, c, _ := forkWithChange(t)
	ctx := t.Context()
	s.SetSearchLag(2)
	if _, _, err := c.PullRequests.Create(ctx, "rails", "rails", &github.NewPullRequest{
		Title: github.String("Require MFA"), Head: github.String("bot:fix"), Base: github.String("main")}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{0, 0, 1, 1} {
		res, _, err := c.Search.Issues(ctx, "repo:rails/rails is:pr is:open require mfa in:title", nil)
		if err != nil || len(res.Issues) != want {
			t.Errorf("search %d: %d results, want %d (%v)", i+1, len(res.Issues), want, err)
		}
	}
	// The pulls API sees it at once.
	list, _, err := c.PullRequests.List(ctx, "rails", "rails", nil)
	if err != nil || len(list) != 1 {
		t.Errorf("List = %v, %v", list, err)
	}
}
