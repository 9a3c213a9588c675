// Package lockfile parses Bundler lockfiles (Gemfile.lock and gems.locked)
// the way Bundler's own LockfileParser does, keeping line numbers for every
// spec so that reports can point at the line that locked a gem.
//
// The grammar is Bundler's: section headers match only exactly, lines are
// read by their indentation of 2, 4 or 6 spaces, a spec's version ends at
// the first "-" and its platform runs to the closing parenthesis, and the
// last of duplicate specs wins. Parse reads every real lockfile as Bundler
// does; the tests check this against Bundler itself.
//
// Where Bundler silently drops something (an unknown or garbled section, a
// line at an indentation it skips, a duplicate), Parse does the same and
// records a Warning. Where Bundler raises, or crashes, Parse returns a
// *ParseError naming the line. Parse parts from Bundler on purpose only to
// avoid a silently wrong answer:
//
//   - a UTF-8 byte order mark is removed (Bundler would lose the first
//     section), with a warning;
//   - Parse refuses what Bundler accepts but no Bundler writes: an empty,
//     binary or section-less file, a carriage return that ends no line, a
//     gem name RubyGems would refuse, a spec without a usable version or
//     platform, a spec outside a source section or indented by 2, a
//     dependency line not under a spec of its own section, a requirement
//     containing "-", a repeated option in a GIT, PATH or PLUGIN SOURCE
//     section, a source without a remote;
//   - a trailing token after a spec or dependency is ignored as Bundler 2.5
//     and later do (Bundler 2.3 makes it part of the name), and PLATFORMS
//     entries are stripped as Bundler 2.6 and later do.
package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// SourceType says which kind of lockfile section a spec came from.
type SourceType string

// The source types Bundler writes.
const (
	SourceRubygems SourceType = "rubygems" // a GEM section
	SourceGit      SourceType = "git"      // a GIT section
	SourcePath     SourceType = "path"     // a PATH section
	SourcePlugin   SourceType = "plugin"   // a PLUGIN SOURCE section
)

// Source is one source section of a lockfile.
type Source struct {
	Type SourceType
	// Remotes holds every remote: line in file order. GEM sections written by
	// Bundler 1.x may list several; GIT, PATH and PLUGIN SOURCE have one.
	Remotes []string
	// Git options (empty when absent).
	Revision, Ref, Branch, Tag, Glob string
	Submodules                       bool
	// Options holds every option line as written (key → value), including
	// the ones above and plugin-specific ones such as "type"; for a repeated
	// key, the first value.
	Options map[string]string
	// Line is the 1-based line of the section header.
	Line int
}

// Remote returns the first remote, or "" when the section has none.
func (s *Source) Remote() string {
	if s == nil || len(s.Remotes) == 0 {
		return ""
	}
	return s.Remotes[0]
}

// Ambiguous reports whether the section is a GEM section with several
// different remotes, written by Bundler 1.x: nothing in the lockfile says
// which of them a gem came from. (Bundler reads a repeated remote once, and
// "https://host" as "https://host/".)
func (s *Source) Ambiguous() bool {
	if s == nil || s.Type != SourceRubygems {
		return false
	}
	for _, r := range s.Remotes[min(1, len(s.Remotes)):] {
		if remoteKey(r) != remoteKey(s.Remotes[0]) {
			return true
		}
	}
	return false
}

// Dependency is a dependency line: in the DEPENDENCIES section, or a 6-space
// line under a spec.
type Dependency struct {
	Name string
	// Requirements such as "~> 1.2" and ">= 1.2.3", as written.
	Requirements []string
	// Pinned is true for a DEPENDENCIES entry ending in "!" (a non-default source).
	Pinned bool
	Line   int
}

// Spec is one locked gem: a 4-space line in a source section.
type Spec struct {
	Name         string
	Version      string
	Platform     string // as written ("x86_64-linux-gnu"), "ruby" when the lockfile names none
	Source       *Source
	Line         int // 1-based
	Dependencies []Dependency

	// Direct is true when the gem is named in DEPENDENCIES.
	Direct bool
	// Path is one shortest chain of gem names from a direct dependency to
	// this spec, both ends included ("rails", "actionpack", "rack"); for a
	// direct dependency it is just its own name; nil when unreachable.
	Path []string
}

// FullName returns name-version, with -platform unless it is "ruby".
func (s *Spec) FullName() string {
	if s.Platform == "" || s.Platform == "ruby" {
		return s.Name + "-" + s.Version
	}
	return s.Name + "-" + s.Version + "-" + s.Platform
}

// Checksum is one CHECKSUMS line (Bundler 2.5+). Lines for gems that are
// not locked, such as bundler itself, are kept too.
type Checksum struct {
	Name, Version, Platform string // Platform is "ruby" when none is written
	// Sums holds "algorithm=digest" entries; empty for name-and-version-only lines.
	Sums []string
	Line int
}

// Warning is something a reader should know about that Bundler passes over
// in silence: a section or line it ignores, a duplicate it drops, a GEM
// section whose gems may come from several remotes.
type Warning struct {
	Line int
	Msg  string
}

// Lockfile is a parsed lockfile.
type Lockfile struct {
	Path         string
	Sources      []*Source
	Specs        []*Spec // in lockfile order
	Platforms    []string
	Dependencies []Dependency // the DEPENDENCIES section
	Checksums    []Checksum
	RubyVersion  string
	BundledWith  string
	Warnings     []Warning
}

// ParseError is returned for a lockfile Bundler would reject or that cannot be
// read without guessing. Its message reads "path:line: msg".
type ParseError struct {
	Path string
	Line int // 0 when the problem is the whole file
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// MaxSize is the largest lockfile Parse accepts. Real lockfiles are well under
// a megabyte; anything bigger is not a lockfile.
const MaxSize = 64 << 20

// Parse reads a lockfile from r; path names it in errors and in the result.
// A lockfile Bundler would reject, or one that cannot be read without
// guessing, gives a *ParseError; what Bundler silently ignores is kept the
// way Bundler keeps it and recorded in Lockfile.Warnings.
func Parse(r io.Reader, path string) (*Lockfile, error) {
	hint := 0
	if l, ok := r.(interface{ Len() int }); ok {
		hint = l.Len()
	}
	text, err := readAll(r, hint)
	if err != nil {
		return nil, fmt.Errorf("lockfile: %s: %w", path, err)
	}
	if len(text) > MaxSize {
		return nil, &ParseError{Path: path, Msg: tooLargeMsg}
	}
	return parse(text, path)
}

const tooLargeMsg = "file is larger than 64 MiB, too large for a lockfile"

// readAll reads r to the end, or to one byte past MaxSize; hint is the
// expected size. The text is read straight into the string the parse keeps:
// a reader that holds its contents in memory writes them there at once;
// others are read through a buffer no bigger than the file needs.
func readAll(r io.Reader, hint int) (string, error) {
	hint = min(max(hint, 0), MaxSize)
	var b strings.Builder
	b.Grow(hint + 1)
	var err error
	switch r := r.(type) {
	case *bytes.Reader, *strings.Reader, *bytes.Buffer:
		_, err = r.(io.WriterTo).WriteTo(&limitWriter{&b})
		if err == errLimit {
			err = nil
		}
	default:
		buf := make([]byte, min(32<<10, hint+512))
		_, err = io.CopyBuffer(&b, io.LimitReader(r, MaxSize+1), buf)
	}
	return b.String(), err
}

// limitWriter appends to a strings.Builder up to one byte past MaxSize,
// then fails with errLimit.
type limitWriter struct{ b *strings.Builder }

var errLimit = errors.New("lockfile: too large")

func (w *limitWriter) Write(p []byte) (int, error) {
	if room := MaxSize + 1 - w.b.Len(); len(p) > room {
		n, _ := w.b.Write(p[:room])
		return n, errLimit
	}
	return w.b.Write(p)
}

// ParseFile reads and parses the lockfile at path.
func ParseFile(path string) (*Lockfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &ParseError{Path: path, Msg: "not a regular file"}
	}
	if fi.Size() > MaxSize {
		return nil, &ParseError{Path: path, Msg: tooLargeMsg}
	}
	text, err := readAll(f, int(fi.Size()))
	if err != nil {
		return nil, fmt.Errorf("lockfile: %s: %w", path, err)
	}
	if len(text) > MaxSize { // the file grew since Stat
		return nil, &ParseError{Path: path, Msg: tooLargeMsg}
	}
	return parse(text, path)
}
