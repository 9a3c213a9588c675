package registry

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMirrorBase: a file:// directory with a manifest is a mirror. A gem
// it lacks is "not in the mirror", unless the manifest says the registry
// had no such gem; Mirror reports the oldest document used.
func TestMirrorBase(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "api", "v1", "versions"), 0o755)
	std, err := os.ReadFile(filepath.Join("testdata", "api", "v1", "versions", "standard.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "api", "v1", "versions", "standard.json"), std, 0o644)
	old := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	m := UpdateManifest(nil, "https://rubygems.org", old, []string{"standard"}, []string{"ghost"})
	m = UpdateManifest(m, "https://rubygems.org", old.AddDate(0, 0, 10), []string{"other"}, nil)
	data, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644)

	c, err := New(Options{BaseURL: "file://" + dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if g, err := c.Gem(ctx, "standard"); err != nil || g.Latest.Number != "1.42.1" {
		t.Fatalf("standard: %v, %v", g, err)
	}
	_, err = c.Gem(ctx, "rack")
	var nm *NotMirroredError
	if !errors.Is(err, ErrNotMirrored) || errors.Is(err, ErrNotFound) || !errors.As(err, &nm) || !nm.Taken.Equal(old.AddDate(0, 0, 10)) {
		t.Errorf("rack: %v, want not in the mirror taken 2026-11-30", err)
	}
	if _, err := c.Gem(ctx, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ghost (absent from the registry): %v, want ErrNotFound", err)
	}
	md := c.Mirror()
	if md == nil || md.Source != "https://rubygems.org" || !md.Oldest.Equal(old) {
		t.Errorf("Mirror() = %+v, want the source and %s", md, old)
	}
	// Without a manifest a directory is a snapshot: a missing gem is
	// not found, and Mirror is nil.
	os.Remove(filepath.Join(dir, ManifestName))
	c2, _ := New(Options{BaseURL: "file://" + dir})
	if _, err := c2.Gem(ctx, "rack"); !errors.Is(err, ErrNotFound) || c2.Mirror() != nil {
		t.Errorf("snapshot: %v, mirror %v", err, c2.Mirror())
	}
	// A damaged manifest is an error, not a silent snapshot.
	os.WriteFile(filepath.Join(dir, ManifestName), []byte("{"), 0o644)
	if _, err := New(Options{BaseURL: "file://" + dir}); err == nil {
		t.Error("a damaged manifest was accepted")
	}
}
