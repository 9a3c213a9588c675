package registry

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestOwnerGems reads the recorded answer for bbatsov: one request for the
// handle, the names sorted; an unknown handle is ErrUnknownOwner; a handle
// RubyGems.org would refuse never reaches a URL.
func TestOwnerGems(t *testing.T) {
	f := newFakeRegistry(t)
	f.mu.Lock()
	f.docs["/api/v1/owners/bbatsov/gems.json"] = fakeDoc{body: fixture(t, "api/v1/owners/bbatsov/gems.json")}
	f.mu.Unlock()
	c := testClient(t, f, Options{})
	ctx := context.Background()
	names, err := c.OwnerGems(ctx, "bbatsov")
	if err != nil {
		t.Fatal(err)
	}
	want := "guard-rubocop powerpack rubocop rubocop-ast rubocop-extension-generator rubocop-minitest rubocop-performance rubocop-rails rubocop-rake rubocop-rubycw rubocop-sequel webpack-assets"
	if strings.Join(names, " ") != want {
		t.Errorf("OwnerGems = %v", names)
	}
	if n := f.hitsFor("/api/v1/owners/bbatsov/gems.json"); n != 1 {
		t.Errorf("%d requests for the handle", n)
	}
	if _, err := c.OwnerGems(ctx, "nosuchuser"); !errors.Is(err, ErrUnknownOwner) || !strings.Contains(err.Error(), `"nosuchuser"`) {
		t.Errorf("unknown handle: %v", err)
	}
	for _, bad := range []string{"", "a", "../etc", "9lives", "bb atsov", strings.Repeat("x", 41)} {
		if _, err := c.OwnerGems(ctx, bad); !errors.Is(err, ErrInvalidHandle) {
			t.Errorf("OwnerGems(%q) = %v, want ErrInvalidHandle", bad, err)
		}
	}
	if n := f.hitsFor("/api/v1/owners/../etc/gems.json"); n != 0 {
		t.Error("an invalid handle reached the registry")
	}
	// A file:// snapshot serves owners too.
	fc, err := New(Options{BaseURL: "file://testdata"})
	if err != nil {
		t.Fatal(err)
	}
	if names, err := fc.OwnerGems(ctx, "bbatsov"); err != nil || len(names) != 12 {
		t.Errorf("file base: %v, %v", names, err)
	}
}
