package githubtest

import (
	"net/http"
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestRefs(t *testing.T) {
	s, c, ctx := setup(t)
	s.SetViewer("rails", 7, "", "rails@example.com") // the owner may push
	main, _ := s.Branch("rails/rails", "main")

	ref, _, err := c.Git.GetRef(ctx, "rails", "rails", "heads/main")
	if err != nil || ref.GetRef() != "refs/heads/main" || ref.GetObject().GetSHA() != main || ref.GetObject().GetType() != "commit" {
		t.Fatalf("GetRef = %v, %v", ref, err)
	}
	if _, _, err := c.Git.GetRef(ctx, "rails", "rails", "heads/mfaudit/rubygems-mfa-required"); statusOf(err) != http.StatusNotFound {
		t.Fatalf("GetRef of a missing branch: %v", err)
	}
	newRef := &github.Reference{Ref: github.String("refs/heads/mfaudit/rubygems-mfa-required"), Object: &github.GitObject{SHA: github.String(main)}}
	created, resp, err := c.Git.CreateRef(ctx, "rails", "rails", newRef)
	if err != nil || resp.StatusCode != http.StatusCreated || created.GetRef() != "refs/heads/mfaudit/rubygems-mfa-required" {
		t.Fatalf("CreateRef = %v, %v", created, err)
	}
	got, _, err := c.Git.GetRef(ctx, "rails", "rails", "refs/heads/mfaudit/rubygems-mfa-required")
	if err != nil || got.GetObject().GetSHA() != main {
		t.Fatalf("GetRef of the new branch = %v, %v", got, err)
	}

	tests := []struct {
		name, ref, sha, want string
	}{
		{"exists", "refs/heads/mfaudit/rubygems-mfa-required", main, "Reference already exists"},
		{"unknown sha", "refs/heads/other", "0123456789012345678901234567890123456789", "Object does not exist"},
		{"too short", "refs/x", main, `Reference name is invalid: "refs/x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.Git.CreateRef(ctx, "rails", "rails", &github.Reference{Ref: github.String(tt.ref), Object: &github.GitObject{SHA: github.String(tt.sha)}})
			if statusOf(err) != http.StatusUnprocessableEntity || errMessage(err) != tt.want {
				t.Errorf("err = %v (%q)", err, errMessage(err))
			}
		})
	}

	// A fast-forward update succeeds; going back needs force.
	next := commitFile(t, ctx, c, "rails", "rails", main, "Gemfile", "source 'x'\n")
	upd := &github.Reference{Ref: github.String("refs/heads/mfaudit/rubygems-mfa-required"), Object: &github.GitObject{SHA: github.String(next)}}
	if _, _, err := c.Git.UpdateRef(ctx, "rails", "rails", upd, false); err != nil {
		t.Fatalf("fast-forward UpdateRef: %v", err)
	}
	upd.Object.SHA = github.String(main)
	if _, _, err := c.Git.UpdateRef(ctx, "rails", "rails", upd, false); errMessage(err) != "Update is not a fast forward" {
		t.Fatalf("non-fast-forward UpdateRef: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "rails", "rails", upd, true); err != nil {
		t.Fatalf("forced UpdateRef: %v", err)
	}
	if sha, _ := s.Branch("rails/rails", "mfaudit/rubygems-mfa-required"); sha != main {
		t.Errorf("branch = %s, want %s", sha, main)
	}
	if _, err := c.Git.DeleteRef(ctx, "rails", "rails", "heads/mfaudit/rubygems-mfa-required"); err != nil {
		t.Fatalf("DeleteRef: %v", err)
	}
	if b := s.Branches("rails/rails"); len(b) != 1 || b[0] != "main" {
		t.Errorf("branches = %v", b)
	}
}

func TestWritesNeedPush(t *testing.T) {
	s, c, ctx := setup(t) // viewer "bot" may not push to rails/rails
	s.AddRepo(Repo{Owner: "bot", Name: "old", Archived: true})
	main, _ := s.Branch("rails/rails", "main")
	ref := &github.Reference{Ref: github.String("refs/heads/x"), Object: &github.GitObject{SHA: github.String(main)}}
	if _, _, err := c.Git.CreateRef(ctx, "rails", "rails", ref); statusOf(err) != http.StatusNotFound {
		t.Errorf("CreateRef without push: %v", err)
	}
	if _, _, err := c.Git.CreateBlob(ctx, "bot", "old", &github.Blob{Content: github.String("x")}); statusOf(err) != http.StatusForbidden {
		t.Errorf("CreateBlob in an archived repo: %v", err)
	}
	if len(s.Writes()) != 0 {
		t.Errorf("writes = %+v", s.Writes())
	}
}
