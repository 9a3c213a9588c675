package githubtest

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestBlobTreeCommitRoundTrip(t *testing.T) {
	s, c, ctx := setup(t)
	s.AddFork("rails/rails", "bot", "rails")
	main, _ := s.Branch("rails/rails", "main")

	blob, resp, err := c.Git.CreateBlob(ctx, "bot", "rails", &github.Blob{Content: github.String("aGVsbG8K"), Encoding: github.String("base64")})
	if err != nil || resp.StatusCode != http.StatusCreated || blob.GetSHA() != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Fatalf("CreateBlob = %v, %v", blob, err)
	}
	got, _, err := c.Git.GetBlob(ctx, "bot", "rails", blob.GetSHA())
	if err != nil || got.GetEncoding() != "base64" || got.GetSize() != 6 {
		t.Fatalf("GetBlob = %v, %v", got, err)
	}
	if data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(got.GetContent(), "\n", "")); err != nil || string(data) != "hello\n" {
		t.Errorf("blob content = %q, %v", data, err)
	}

	base, _, err := c.Git.GetCommit(ctx, "bot", "rails", main)
	if err != nil {
		t.Fatal(err)
	}
	tree, _, err := c.Git.CreateTree(ctx, "bot", "rails", base.GetTree().GetSHA(), []*github.TreeEntry{
		{Path: github.String("lib/rails/new/hello.txt"), Mode: github.String("100644"), Type: github.String("blob"), SHA: blob.SHA},
		{Path: github.String("README.md"), Mode: github.String("100644"), Type: github.String("blob")}, // sha null: delete
		{Path: github.String("lib/rails/deep/y.rb"), Mode: github.String("100644"), Type: github.String("blob")},
	})
	if err != nil {
		t.Fatalf("CreateTree: %v", err)
	}
	var top []string
	for _, e := range tree.Entries {
		top = append(top, e.GetPath()+":"+e.GetType()+":"+e.GetMode())
	}
	if strings.Join(top, " ") != "lib:tree:040000 rails.gemspec:blob:100644" {
		t.Errorf("top-level entries = %v", top)
	}

	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	author := &github.CommitAuthor{Name: github.String("A U Thor"), Email: github.String("a@example.com"), Date: &github.Timestamp{Time: when}}
	commit := &github.Commit{Message: github.String("add hello"), Tree: &github.Tree{SHA: tree.SHA},
		Parents: []*github.Commit{{SHA: github.String(main)}}, Author: author}
	created, resp, err := c.Git.CreateCommit(ctx, "bot", "rails", commit, nil)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("CreateCommit: %v", err)
	}
	again, _, err := c.Git.CreateCommit(ctx, "bot", "rails", commit, nil)
	if err != nil || again.GetSHA() != created.GetSHA() {
		t.Errorf("identical commit = %s, want %s (%v)", again.GetSHA(), created.GetSHA(), err)
	}
	// The upstream sees the fork's objects: one network, one store.
	read, _, err := c.Git.GetCommit(ctx, "rails", "rails", created.GetSHA())
	if err != nil {
		t.Fatalf("GetCommit upstream: %v", err)
	}
	if read.GetMessage() != "add hello" || read.GetTree().GetSHA() != tree.GetSHA() || len(read.Parents) != 1 ||
		read.Parents[0].GetSHA() != main || read.GetAuthor().GetName() != "A U Thor" ||
		!read.GetCommitter().GetDate().Time.Equal(when) || read.GetCommitter().GetEmail() != "a@example.com" {
		t.Errorf("commit = %v", read)
	}

	full, _, err := c.Git.GetTree(ctx, "bot", "rails", created.GetSHA(), true)
	if err != nil {
		t.Fatalf("GetTree: %v", err)
	}
	var paths []string
	for _, e := range full.Entries {
		paths = append(paths, e.GetPath())
	}
	want := "lib lib/rails lib/rails/new lib/rails/new/hello.txt lib/rails/x.rb rails.gemspec"
	if strings.Join(paths, " ") != want || full.GetTruncated() {
		t.Errorf("recursive tree = %v", paths)
	}
	byBranch, _, err := c.Git.GetTree(ctx, "rails", "rails", "main", false)
	if err != nil || byBranch.GetSHA() != base.GetTree().GetSHA() {
		t.Errorf("GetTree(main) = %v, %v", byBranch, err)
	}

	if oc := s.ObjectsCreated(); oc["blob"] != 1 || oc["tree"] != 1 || oc["commit"] != 1 {
		t.Errorf("ObjectsCreated = %v", oc)
	}
}

func TestGitErrors(t *testing.T) {
	s, c, ctx := setup(t)
	s.SetViewer("rails", 7, "Rails", "r@example.com")
	missing := "0000000000000000000000000000000000000001"
	main, _ := s.Branch("rails/rails", "main")
	tests := []struct {
		name string
		call func() error
		want int
	}{
		{"commit with unknown tree", func() error {
			_, _, err := c.Git.CreateCommit(ctx, "rails", "rails", &github.Commit{Message: github.String("m"), Tree: &github.Tree{SHA: github.String(missing)}}, nil)
			return err
		}, http.StatusUnprocessableEntity},
		{"commit with unknown parent", func() error {
			co, _, _ := c.Git.GetCommit(ctx, "rails", "rails", main)
			_, _, err := c.Git.CreateCommit(ctx, "rails", "rails", &github.Commit{Message: github.String("m"), Tree: co.Tree, Parents: []*github.Commit{{SHA: github.String(missing)}}}, nil)
			return err
		}, http.StatusUnprocessableEntity},
		{"tree with unknown base", func() error {
			_, _, err := c.Git.CreateTree(ctx, "rails", "rails", missing, []*github.TreeEntry{{Path: github.String("a"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("x")}})
			return err
		}, http.StatusUnprocessableEntity},
		{"tree with unknown blob", func() error {
			_, _, err := c.Git.CreateTree(ctx, "rails", "rails", "", []*github.TreeEntry{{Path: github.String("a"), Mode: github.String("100644"), Type: github.String("blob"), SHA: github.String(missing)}})
			return err
		}, http.StatusUnprocessableEntity},
		{"tree with bad path", func() error {
			_, _, err := c.Git.CreateTree(ctx, "rails", "rails", "", []*github.TreeEntry{{Path: github.String("a//b"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("x")}})
			return err
		}, http.StatusUnprocessableEntity},
		{"missing blob", func() error { _, _, err := c.Git.GetBlob(ctx, "rails", "rails", missing); return err }, http.StatusNotFound},
		{"missing commit", func() error { _, _, err := c.Git.GetCommit(ctx, "rails", "rails", missing); return err }, http.StatusNotFound},
		{"missing tree", func() error { _, _, err := c.Git.GetTree(ctx, "rails", "rails", missing, false); return err }, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statusOf(tt.call()); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
		})
	}
	if oc := s.ObjectsCreated(); len(oc) != 0 {
		t.Errorf("ObjectsCreated after failures = %v", oc)
	}
}

func TestCommitDefaultsToViewer(t *testing.T) {
	s, c, ctx := setup(t)
	s.SetViewer("rails", 7, "Rails Owner", "owner@example.com")
	main, _ := s.Branch("rails/rails", "main")
	before := time.Now().Add(-time.Second)
	sha := commitFile(t, ctx, c, "rails", "rails", main, "x", "y")
	co, _, err := c.Git.GetCommit(ctx, "rails", "rails", sha)
	if err != nil {
		t.Fatal(err)
	}
	if co.GetAuthor().GetName() != "Rails Owner" || co.GetCommitter().GetEmail() != "owner@example.com" || co.GetAuthor().GetDate().Time.Before(before) {
		t.Errorf("commit = %v", co)
	}
}
