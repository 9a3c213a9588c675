package registry

import (
	"context"
	"errors"
	"testing"
)

// TestLinks reads the links of real gem documents: rails sets them in its
// metadata; json's homepage is a project page while its source link names
// the repository.
func TestLinks(t *testing.T) {
	f := newFakeRegistry(t)
	f.gemInfo("rails", fixture(t, "api/v1/gems/rails.json"))
	f.gemInfo("json", fixture(t, "api/v1/gems/json.json"))
	c := testClient(t, f, Options{})
	ctx := context.Background()

	tests := []struct {
		name string
		want Links
	}{
		{"rails", Links{
			Homepage:      "https://rubyonrails.org",
			SourceCode:    "https://github.com/rails/rails/tree/v8.0.0",
			BugTracker:    "https://github.com/rails/rails/issues",
			Changelog:     "https://github.com/rails/rails/releases/tag/v8.0.0",
			Documentation: "https://api.rubyonrails.org/v8.0.0/",
		}},
		{"json", Links{
			Homepage:      "https://ruby.github.io/json",
			SourceCode:    "https://github.com/ruby/json",
			BugTracker:    "https://github.com/ruby/json/issues",
			Changelog:     "https://github.com/ruby/json/blob/master/CHANGES.md",
			Documentation: "https://ruby.github.io/json/doc/index.html",
			Wiki:          "https://github.com/ruby/json/wiki",
		}},
	}
	for _, tt := range tests {
		got, err := c.Links(ctx, tt.name)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: Links = %+v\nwant %+v", tt.name, got, tt.want)
		}
		if n := f.hitsFor("/api/v1/gems/" + tt.name + ".json"); n != 1 {
			t.Errorf("%s: %d requests for the gem document, want 1", tt.name, n)
		}
	}
	if _, err := c.Links(ctx, "no-such-gem"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Links of a missing gem: %v, want ErrNotFound", err)
	}
	if _, err := c.Links(ctx, "../etc"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Links of an invalid name: %v, want ErrInvalidName", err)
	}
}
