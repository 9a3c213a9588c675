package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoLockfile is wrapped by the error Find returns when dir has no lockfile.
var ErrNoLockfile = errors.New("no lockfile")

// Find returns the lockfile Bundler would use in dir: gems.locked (with
// gems.rb) or Gemfile.lock.
//
// Bundler looks for gems.rb before Gemfile and locks gems.rb in gems.locked,
// any other Gemfile in the same name plus ".lock". When dir has neither
// Gemfile, the lockfile alone decides, gems.locked first. BUNDLE_GEMFILE and
// parent directories are not consulted: dir is the project.
func Find(dir string) (string, error) {
	for _, pair := range [...][2]string{{"gems.rb", "gems.locked"}, {"Gemfile", "Gemfile.lock"}} {
		gemfile, lock := filepath.Join(dir, pair[0]), filepath.Join(dir, pair[1])
		if !isFile(gemfile) {
			continue
		}
		if isFile(lock) {
			return lock, nil
		}
		return "", fmt.Errorf("lockfile: %s has %s but no %s (run bundle lock): %w", dir, pair[0], pair[1], ErrNoLockfile)
	}
	for _, name := range [...]string{"gems.locked", "Gemfile.lock"} {
		if lock := filepath.Join(dir, name); isFile(lock) {
			return lock, nil
		}
	}
	if fi, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("lockfile: %w", err)
	} else if !fi.IsDir() {
		return "", fmt.Errorf("lockfile: %s: not a directory", dir)
	}
	return "", fmt.Errorf("lockfile: %s has no Gemfile.lock or gems.locked: %w", dir, ErrNoLockfile)
}

// isFile reports whether name exists and is not a directory.
func isFile(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && !fi.IsDir()
}
