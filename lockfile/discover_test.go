package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiscover walks a tree like a monorepo's: lockfiles at several depths,
// copies under vendor/, node_modules/, .git/ and tmp/ that must be passed
// over, a symbolic link loop, a second link to a directory already walked,
// a dangling link and an unreadable directory.
func TestDiscover(t *testing.T) {
	root := t.TempDir()
	files := []string{
		"Gemfile.lock",
		"apps/api/Gemfile.lock",
		"apps/web/gems.locked",
		"apps/web/Gemfile", // not a lockfile
		"vendor/bundle/ruby/3.3.0/gems/x/Gemfile.lock",
		"node_modules/pkg/Gemfile.lock",
		".git/Gemfile.lock",
		"tmp/cache/Gemfile.lock",
		"apps/api/vendor/Gemfile.lock",
		"docs/Gemfile.lock.example",
		"linked/README",
	}
	for _, f := range files {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("GEM\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// apps/loop -> .. (a loop); mirror -> apps (a second way in); a
	// dangling link; a link to a lockfile already found.
	for link, target := range map[string]string{
		"apps/loop": "..", "mirror": "apps", "dangling": "nowhere", "linked/Gemfile.lock": "../Gemfile.lock",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	locked := filepath.Join(root, "locked")
	if err := os.MkdirAll(filepath.Join(locked, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(locked, "inner", "Gemfile.lock"), []byte("GEM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(locked, 0o000)
	defer os.Chmod(locked, 0o755)

	paths, skipped, err := Discover([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range paths {
		r, _ := filepath.Rel(root, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"Gemfile.lock", "apps/api/Gemfile.lock", "apps/web/gems.locked"}
	if os.Geteuid() == 0 {
		// root reads the unreadable directory anyway.
		want = append(want, "locked/inner/Gemfile.lock")
	}
	if strings.Join(rel, " ") != strings.Join(want, " ") {
		t.Errorf("found %v, want %v", rel, want)
	}
	if os.Geteuid() != 0 && len(skipped) != 1 {
		t.Errorf("skipped %v, want the unreadable directory", skipped)
	}
	if _, _, err := Discover([]string{filepath.Join(root, "Gemfile.lock")}); err == nil {
		t.Error("a file as the root is no error")
	}
	if _, _, err := Discover([]string{filepath.Join(root, "missing")}); err == nil {
		t.Error("a missing root is no error")
	}
}
