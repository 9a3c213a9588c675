package githubtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestContents(t *testing.T) {
	s, c, ctx := setup(t)
	long := strings.Repeat("0123456789", 20)
	s.AddRepo(Repo{Owner: "bot", Name: "gems", DefaultBranch: "trunk", Files: map[string]string{"big.txt": long, "a/b.txt": "b"}})
	main, _ := s.Branch("rails/rails", "main")

	tests := []struct {
		repo, path, ref, want string
	}{
		{"rails/rails", "rails.gemspec", "", "Gem::Specification.new do |s|\nend\n"},
		{"rails/rails", "lib/rails/x.rb", "main", "module Rails; end\n"},
		{"rails/rails", "README.md", main, "# Rails\n"},
		{"bot/gems", "big.txt", "", long},
		{"bot/gems", "a/b.txt", "refs/heads/trunk", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.repo+"/"+tt.path, func(t *testing.T) {
			o, r := splitName(tt.repo)
			f, dir, _, err := c.Repositories.GetContents(ctx, o, r, tt.path, &github.RepositoryContentGetOptions{Ref: tt.ref})
			if err != nil || dir != nil {
				t.Fatalf("GetContents = %v, %v", dir, err)
			}
			got, err := f.GetContent()
			if err != nil || got != tt.want || f.GetType() != "file" || f.GetPath() != tt.path || f.GetSize() != len(tt.want) {
				t.Errorf("content = %q, %v (%v)", got, err, f)
			}
			for _, line := range strings.Split(strings.TrimSuffix(*f.Content, "\n"), "\n") {
				if len(line) > 60 {
					t.Errorf("base64 line of %d chars", len(line))
				}
			}
		})
	}

	_, dir, _, err := c.Repositories.GetContents(ctx, "rails", "rails", "lib/rails", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range dir {
		names = append(names, e.GetName()+":"+e.GetType())
	}
	if strings.Join(names, " ") != "deep:dir x.rb:file" {
		t.Errorf("dir = %v", names)
	}
	_, root, _, err := c.Repositories.GetContents(ctx, "rails", "rails", "", nil)
	if err != nil || len(root) != 3 {
		t.Errorf("root = %v, %v", root, err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "rails", "rails", "Gemfile", nil); statusOf(err) != http.StatusNotFound {
		t.Errorf("missing file: %v", err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "rails", "rails", "README.md", &github.RepositoryContentGetOptions{Ref: "nope"}); statusOf(err) != http.StatusNotFound {
		t.Errorf("missing ref: %v", err)
	}
	if got, ok := s.File("bot/gems", "trunk", "a/b.txt"); !ok || got != "b" {
		t.Errorf("File = %q, %v", got, ok)
	}
}
