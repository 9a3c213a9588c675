package githubtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestGetUser(t *testing.T) {
	s, c, ctx := setup(t)
	u, resp, err := c.Users.Get(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rate.Limit != 5000 || resp.Rate.Remaining != 4999 || resp.Rate.Reset.Time.Before(time.Now()) {
		t.Errorf("rate = %+v", resp.Rate)
	}
	if u.GetLogin() != "bot" || u.GetID() != 42 || u.GetName() != "Bot Person" || u.GetEmail() != "bot@example.com" {
		t.Errorf("user = %v", u)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/api/v3/user" || reqs[0].Auth != "Bearer t0ken" || reqs[0].Status != 200 || reqs[0].Write {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestGetRepoPermissions(t *testing.T) {
	s, c, ctx := setup(t)
	s.AddRepo(Repo{Owner: "bot", Name: "mine"})
	s.AddRepo(Repo{Owner: "acme", Name: "shared", DefaultBranch: "trunk", Archived: true, Pushers: []string{"BOT"}})
	tests := []struct {
		repo              string
		admin, push       bool
		defaultBranch     string
		archived          bool
		wantCanonicalName string
	}{
		{"rails/rails", false, false, "main", false, "rails/rails"},
		{"RAILS/Rails", false, false, "main", false, "rails/rails"},
		{"bot/mine", true, true, "main", false, "bot/mine"},
		{"acme/shared", false, true, "trunk", true, "acme/shared"},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			owner, name := splitName(tt.repo)
			r, _, err := c.Repositories.Get(ctx, owner, name)
			if err != nil {
				t.Fatal(err)
			}
			p := r.GetPermissions()
			if r.GetFullName() != tt.wantCanonicalName || r.GetOwner().GetLogin()+"/"+r.GetName() != tt.wantCanonicalName {
				t.Errorf("full name = %q", r.GetFullName())
			}
			if p["admin"] != tt.admin || p["push"] != tt.push || !p["pull"] {
				t.Errorf("permissions = %v", p)
			}
			if r.GetDefaultBranch() != tt.defaultBranch || r.GetArchived() != tt.archived || r.GetFork() {
				t.Errorf("repo = %v", r)
			}
			if r.GetHTMLURL() != s.URL()+"/"+tt.wantCanonicalName {
				t.Errorf("html_url = %q", r.GetHTMLURL())
			}
		})
	}
}

func TestGetRepoNotFound(t *testing.T) {
	_, c, ctx := setup(t)
	_, _, err := c.Repositories.Get(ctx, "nobody", "nothing")
	if statusOf(err) != http.StatusNotFound || errMessage(err) != "Not Found" {
		t.Fatalf("err = %v", err)
	}
}

func TestRenameRedirects(t *testing.T) {
	s, c, ctx := setup(t)
	s.Rename("rails/rails", "rails/rails-new")
	r, _, err := c.Repositories.Get(ctx, "Rails", "Rails")
	if err != nil {
		t.Fatal(err)
	}
	if r.GetFullName() != "rails/rails-new" {
		t.Errorf("full name = %q", r.GetFullName())
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Status != http.StatusMovedPermanently || reqs[1].Path != "/api/v3/repositories/"+itoa(r.GetID()) {
		t.Errorf("requests = %+v", reqs)
	}
	byID, _, err := c.Repositories.GetByID(ctx, r.GetID())
	if err != nil || byID.GetFullName() != "rails/rails-new" {
		t.Errorf("GetByID = %v, %v", byID, err)
	}
	// Other endpoints under the old name redirect too.
	ref, _, err := c.Git.GetRef(ctx, "rails", "rails", "heads/main")
	if err != nil || ref.GetObject().GetSHA() == "" {
		t.Errorf("GetRef via old name = %v, %v", ref, err)
	}
	// A write under the old name is redirected with 307 and applied once.
	s.SetViewer("rails", 7, "", "r@example.com")
	blob, _, err := c.Git.CreateBlob(ctx, "rails", "rails", &github.Blob{Content: github.String("x")})
	if err != nil || blob.GetSHA() != "c1b0730e0133447badcfd47fd144e254807b06e1" || len(s.Writes()) != 1 {
		t.Errorf("CreateBlob via old name = %v, %v; writes %+v", blob, err, s.Writes())
	}
	if got := s.Repos(); len(got) != 1 || got[0] != "rails/rails-new" {
		t.Errorf("Repos = %v", got)
	}
}

func TestForkCreate(t *testing.T) {
	s, c, ctx := setup(t)
	s.AddRepo(Repo{Owner: "bot", Name: "rails"}) // unrelated: the fork must be named rails-1
	s.SetForkDelay(2)
	fork, resp, err := c.Repositories.CreateFork(ctx, "rails", "rails", nil)
	if !isAccepted(err) || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("CreateFork: %v", err)
	}
	if fork.GetFullName() != "bot/rails-1" || !fork.GetFork() || fork.GetParent().GetFullName() != "rails/rails" ||
		fork.GetSource().GetFullName() != "rails/rails" || fork.GetParent().GetDefaultBranch() != "main" {
		t.Fatalf("fork = %v", fork)
	}
	for i := 0; i < 2; i++ {
		if _, _, err := c.Repositories.Get(ctx, "bot", "rails-1"); statusOf(err) != http.StatusNotFound {
			t.Fatalf("GET %d during fork delay: err = %v", i, err)
		}
	}
	got, _, err := c.Repositories.Get(ctx, "bot", "rails-1")
	if err != nil || !got.GetPermissions()["push"] {
		t.Fatalf("GET after delay = %v, %v", got, err)
	}
	// The fork has the parent's branches and objects.
	up, _ := s.Branch("rails/rails", "main")
	if sha, ok := s.Branch("bot/rails-1", "main"); !ok || sha != up {
		t.Errorf("fork main = %q, want %q", sha, up)
	}
	// Forking again returns the same fork.
	again, _, err := c.Repositories.CreateFork(ctx, "rails", "rails", nil)
	if !isAccepted(err) || again.GetFullName() != "bot/rails-1" {
		t.Errorf("second CreateFork = %v, %v", again, err)
	}
	if n := len(s.Repos()); n != 3 {
		t.Errorf("Repos = %v", s.Repos())
	}
}

func TestExistingFork(t *testing.T) {
	s, c, ctx := setup(t)
	s.AddFork("rails/rails", "bot", "my-rails")
	fork, _, err := c.Repositories.CreateFork(ctx, "rails", "rails", nil)
	if !isAccepted(err) || fork.GetFullName() != "bot/my-rails" {
		t.Fatalf("CreateFork = %v, %v", fork, err)
	}
	if w := s.Writes(); len(w) != 1 || w[0].Status != http.StatusAccepted {
		t.Errorf("writes = %+v", w)
	}
	if got := s.Repos(); len(got) != 2 {
		t.Errorf("Repos = %v", got)
	}
}
