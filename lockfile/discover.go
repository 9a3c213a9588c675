package lockfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// SkippedDirs are the directory names Discover never enters: vendored
// gems and packages, git's own files, caches.
var SkippedDirs = []string{".bundle", ".git", "node_modules", "tmp", "vendor"}

// Discover finds the lockfiles below each root directory: every file named
// Gemfile.lock or gems.locked, in lexical order within each root, without
// entering SkippedDirs. Symbolic links are followed, but a directory already
// walked — a link loop, two links to one place — is not walked again, and a
// lockfile reached by two paths is listed once. A subdirectory that cannot
// be read is passed over and reported in skipped; a root that is not a
// readable directory is an error.
func Discover(roots []string) (paths []string, skipped []error, err error) {
	d := &discoverer{}
	for _, root := range roots {
		fi, err := os.Stat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("lockfile: %w", err)
		}
		if !fi.IsDir() {
			return nil, nil, fmt.Errorf("lockfile: %s: not a directory", root)
		}
		if err := d.walk(root, fi, true); err != nil {
			return nil, nil, err
		}
	}
	return d.paths, d.skipped, nil
}

type discoverer struct {
	visited  []fs.FileInfo // directories walked, to recognise them again
	seenInfo []fs.FileInfo // lockfiles listed
	paths    []string
	skipped  []error
}

func (d *discoverer) walk(dir string, fi fs.FileInfo, root bool) error {
	for _, v := range d.visited {
		if os.SameFile(v, fi) {
			return nil
		}
	}
	d.visited = append(d.visited, fi)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if root {
			return fmt.Errorf("lockfile: %w", err)
		}
		d.skipped = append(d.skipped, err)
		return nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		info, err := os.Stat(p) // follows links
		if err != nil {
			if e.Type()&fs.ModeSymlink != 0 {
				continue // a dangling link
			}
			d.skipped = append(d.skipped, err)
			continue
		}
		switch {
		case info.IsDir():
			if skippedDir(name) {
				continue
			}
			if err := d.walk(p, info, false); err != nil {
				return err
			}
		case info.Mode().IsRegular() && (name == "Gemfile.lock" || name == "gems.locked"):
			d.addFile(p, info)
		}
	}
	return nil
}

func (d *discoverer) addFile(p string, info fs.FileInfo) {
	for _, s := range d.seenInfo {
		if os.SameFile(s, info) {
			return
		}
	}
	d.seenInfo = append(d.seenInfo, info)
	d.paths = append(d.paths, p)
}

func skippedDir(name string) bool {
	for _, s := range SkippedDirs {
		if name == s {
			return true
		}
	}
	return false
}
