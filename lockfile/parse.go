package lockfile

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// The section headers Bundler knows. A header matches only when the line is
// exactly this text: no indentation, no trailing whitespace, upper case.
const (
	headerGem          = "GEM"
	headerGit          = "GIT"
	headerPath         = "PATH"
	headerPlugin       = "PLUGIN SOURCE"
	headerDependencies = "DEPENDENCIES"
	headerChecksums    = "CHECKSUMS"
	headerPlatforms    = "PLATFORMS"
	headerRuby         = "RUBY VERSION"
	headerBundled      = "BUNDLED WITH"

	specsLine = "  specs:"
)

var knownHeaders = [...]string{
	headerGem, headerGit, headerPath, headerPlugin, headerDependencies,
	headerChecksums, headerPlatforms, headerRuby, headerBundled,
}

// markerLen is the length of a merge conflict marker: seven "<", "=", ">"
// or "|" in a row, anywhere in the file, make Bundler refuse it.
const markerLen = 7

// conflictMarker returns the offset of the first merge conflict marker in s,
// or -1. A run of seven equal bytes covers an offset divisible by seven, so
// only those offsets need a look.
func conflictMarker(s string) int {
	for i := 0; i < len(s); i += markerLen {
		c := s[i]
		if c != '<' && c != '=' && c != '>' && c != '|' {
			continue
		}
		lo, hi := i, i+1
		for lo > 0 && s[lo-1] == c {
			lo--
		}
		for hi < len(s) && s[hi] == c {
			hi++
		}
		if hi-lo >= markerLen {
			return lo
		}
	}
	return -1
}

type section int

const (
	sectionNone    section = iota // before the first header
	sectionUnknown                // a header Bundler does not know
	sectionSource                 // GEM, GIT, PATH, PLUGIN SOURCE
	sectionDependencies
	sectionChecksums
	sectionPlatforms
	sectionRuby
	sectionBundled
)

// span is a half-open range of indexes into one of the parser's slabs.
type span struct{ lo, hi int32 }

// parser holds the state of one parse. Specs, their dependencies and all
// requirements live in slabs that are sliced up once the parse is done, so
// that a lockfile costs a handful of allocations rather than several per gem.
type parser struct {
	path string
	lf   *Lockfile

	section   section
	sawHeader bool // a known header was seen

	// The source section being read.
	src        *Source
	srcBuilt   bool  // "  specs:" seen; src is in lf.Sources
	srcRemotes []int // line of each remote: option
	optLines   map[string]int
	curSpec    int // index into specs of the last spec of this section, or -1

	specs    []Spec
	specDeps []span // per spec, into deps
	deps     []Dependency
	depReqs  []span // per entry of deps, into reqs
	topReqs  []span // per entry of lf.Dependencies, into reqs
	reqs     []string
	removed  int                          // specs superseded by a later duplicate
	byFull   map[string]int               // specKey → index into specs
	topIndex map[string]int               // name → index into lf.Dependencies
	specSums []checksumSeen               // per spec, its sha256 digest, if listed
	sums     map[checksumKey]checksumSeen // other digests
	sumSlab  []string                     // Checksum.Sums of every line, back to back
	rubyLine int                          // line of the RUBY VERSION value

	dropped      int // warnings beyond MaxWarnings
	firstDropped int // line of the first of them
}

// specKey returns the key of a spec or checksum line whose text (after the
// indentation) is text and whose match is m: "name (version[-platform])",
// which identifies a spec the way Bundler's full name does. It is a
// substring of text unless the line spells the spec unusually.
func specKey(text string, m *nameVersion, version, platform string) string {
	n := len(m.name) + 2 + len(m.version) + 1
	if m.hasPlatform {
		n += 1 + len(m.platform)
	}
	if version == m.version && (!m.hasPlatform || platform != "ruby") && n <= len(text) {
		return text[:n]
	}
	if platform == "ruby" {
		return m.name + " (" + version + ")"
	}
	return m.name + " (" + version + "-" + platform + ")"
}

// checksumKey identifies the digest of one algorithm for one spec.
type checksumKey struct{ spec, algo string }

type checksumSeen struct {
	hex  string
	line int
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return &ParseError{Path: p.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// MaxWarnings is the most warnings a Lockfile records; one more says how
// many were left out. It keeps a garbage file from costing gigabytes.
const MaxWarnings = 100

func (p *parser) warnf(line int, format string, args ...any) {
	if len(p.lf.Warnings) >= MaxWarnings {
		if p.dropped == 0 {
			p.firstDropped = line
		}
		p.dropped++
		return
	}
	p.lf.Warnings = append(p.lf.Warnings, Warning{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns the 1-based line of byte offset off in s.
func lineOf(s string, off int) int {
	return strings.Count(s[:off], "\n") + 1
}

func parse(text, path string) (*Lockfile, error) {
	if len(text) == 0 {
		return nil, &ParseError{Path: path, Msg: "file is empty (0 bytes), not a lockfile"}
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return nil, &ParseError{Path: path, Line: lineOf(text, i), Msg: "binary data (NUL byte), not a lockfile"}
	}
	if !utf8.ValidString(text) {
		off := 0
		for off < len(text) {
			r, size := utf8.DecodeRuneInString(text[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return nil, &ParseError{Path: path, Line: lineOf(text, off), Msg: "invalid UTF-8, not a lockfile"}
	}

	p := &parser{
		path:    path,
		lf:      &Lockfile{Path: path},
		curSpec: -1,
	}
	if rest, ok := strings.CutPrefix(text, "\uFEFF"); ok {
		text = rest
		p.warnf(1, "UTF-8 byte order mark removed; Bundler keeps it and so ignores the first section")
	}

	// Bundler refuses the whole file if a conflict marker appears anywhere,
	// even inside a line or an unknown section.
	if i := conflictMarker(text); i >= 0 {
		return nil, p.errorf(lineOf(text, i),
			"merge conflict marker %q; Bundler refuses a lockfile with merge conflicts", text[i:i+markerLen])
	}

	// A carriage return is only a line break before a line feed. Bundler
	// would read a file with old Mac line endings as one line and find
	// nothing in it.
	for off := 0; ; {
		i := strings.IndexByte(text[off:], '\r')
		if i < 0 {
			break
		}
		off += i + 1
		if off == len(text) || text[off] != '\n' {
			return nil, p.errorf(lineOf(text, off-1),
				"carriage return not followed by a line feed; Bundler does not read this as a line break")
		}
	}

	// Size the slabs so that they need not grow: a spec is a 4-space line
	// and a dependency of a spec a 6-space one; a requirement takes a
	// dependency line, or a comma more, and DEPENDENCIES adds a few. (The
	// commas count no more than the lines, lest a line of them cost
	// gigabytes.)
	specs, deep := countIndented(text)
	// Past what any real lockfile needs, let the slabs grow instead: a
	// hostile file of indented blank lines must not cost gigabytes before
	// its first error.
	specs, deep = min(specs, maxPresize), min(deep, maxPresize)
	p.specs = make([]Spec, 0, specs)
	p.specDeps = make([]span, 0, specs)
	p.deps = make([]Dependency, 0, deep)
	p.depReqs = make([]span, 0, deep)
	p.reqs = make([]string, 0, deep+min(strings.Count(text, ","), deep)+deep/4+1)
	p.byFull = make(map[string]int, specs)

	lineNo := 0
	for rest := text; rest != ""; {
		lineNo++
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if isBlank(line) {
			continue
		}
		if err := p.line(lineNo, line); err != nil {
			return nil, err
		}
	}
	p.endSource()
	if !p.sawHeader {
		return nil, &ParseError{Path: path, Msg: "no lockfile section (GEM, GIT, PATH, DEPENDENCIES, ...) found, not a lockfile"}
	}
	p.finish()
	return p.lf, nil
}

// maxPresize bounds the slabs sized before parsing; real lockfiles hold a
// few hundred specs and a few thousand dependency lines.
const maxPresize = 1 << 14

// countIndented counts the lines of text indented by 4 or 5 spaces and
// those indented by 6 or more.
func countIndented(text string) (four, six int) {
	for rest := text; ; {
		if strings.HasPrefix(rest, "      ") {
			six++
		} else if strings.HasPrefix(rest, "    ") {
			four++
		}
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return four, six
		}
		rest = rest[i+1:]
	}
}

// line handles one non-blank line, as LockfileParser#initialize does.
func (p *parser) line(no int, line string) error {
	switch line {
	case headerGem, headerGit, headerPath, headerPlugin:
		p.startSource(no, line)
		return nil
	case headerDependencies:
		p.startSection(sectionDependencies)
		p.lf.Dependencies = slices.Grow(p.lf.Dependencies, len(p.specs)/2+1)
		return nil
	case headerChecksums:
		p.startSection(sectionChecksums)
		// Expect about one line per spec, plus bundler's.
		p.lf.Checksums = slices.Grow(p.lf.Checksums, len(p.specs)+1)
		p.sumSlab = slices.Grow(p.sumSlab, len(p.specs)+1)
		return nil
	case headerPlatforms:
		p.startSection(sectionPlatforms)
		return nil
	case headerRuby:
		p.startSection(sectionRuby)
		return nil
	case headerBundled:
		p.startSection(sectionBundled)
		return nil
	}
	if !isRubySpace(line[0]) {
		p.startSection(sectionUnknown)
		p.warnUnknown(no, line)
		return nil
	}
	if h := trimRubySpace(line); h[0] >= 'A' && h[0] <= 'Z' && isKnownHeader(h) && p.section != sectionUnknown {
		p.warnf(no, "indented section header %q is not a header to Bundler; line ignored", h)
		return nil
	}

	switch p.section {
	case sectionUnknown:
		return nil
	case sectionNone:
		if err := p.specOutsideSource(no, line); err != nil {
			return err
		}
		p.warnf(no, "line before the first section ignored, as Bundler does")
		return nil
	case sectionSource:
		return p.sourceLine(no, line)
	case sectionDependencies:
		return p.dependencyLine(no, line)
	case sectionChecksums:
		return p.checksumLine(no, line)
	case sectionPlatforms:
		return p.platformLine(no, line)
	case sectionRuby:
		if err := p.specOutsideSource(no, line); err != nil {
			return err
		}
		if p.rubyLine > 0 {
			p.warnf(no, "second RUBY VERSION line (first on line %d); Bundler keeps the last", p.rubyLine)
		}
		p.lf.RubyVersion, p.rubyLine = trimRubySpace(line), no
		return nil
	case sectionBundled:
		if err := p.specOutsideSource(no, line); err != nil {
			return err
		}
		v := trimRubySpace(line)
		if !validFullVersion(v) {
			p.warnf(no, "BUNDLED WITH value %q is not a version; Bundler ignores it", v)
			return nil
		}
		p.lf.BundledWith = v
		return nil
	}
	return nil
}

func isKnownHeader(s string) bool {
	for _, h := range knownHeaders {
		if s == h {
			return true
		}
	}
	return false
}

// warnUnknown explains why Bundler skips the section that starts at line.
func (p *parser) warnUnknown(no int, line string) {
	if h := strings.TrimRightFunc(line, func(r rune) bool { return r < utf8.RuneSelf && isRubySpace(byte(r)) }); h != line && isKnownHeader(h) {
		p.warnf(no, "section header %q has trailing whitespace; Bundler does not recognise it and ignores the section", line)
		return
	}
	if isKnownHeader(strings.ToUpper(line)) {
		p.warnf(no, "section header %q is not upper case; Bundler does not recognise it and ignores the section", line)
		return
	}
	p.warnf(no, "unknown section %q ignored, as Bundler does", line)
}

// startSection ends the current section and starts one of kind s.
func (p *parser) startSection(s section) {
	p.endSource()
	p.section = s
	if s != sectionUnknown {
		p.sawHeader = true
	}
}

// specOutsideSource rejects a 4-space "name (version)" line where no specs
// belong: Bundler would ignore it or misread it as something else.
func (p *parser) specOutsideSource(no int, line string) error {
	if leadingSpaces(line) == 4 && matchNameVersion(line[4:]).hasVersion {
		return p.errorf(no, "spec line outside a GEM, GIT, PATH or PLUGIN SOURCE section")
	}
	return nil
}

func (p *parser) startSource(no int, header string) {
	p.startSection(sectionSource)
	var t SourceType
	switch header {
	case headerGem:
		t = SourceRubygems
	case headerGit:
		t = SourceGit
	case headerPath:
		t = SourcePath
	default:
		t = SourcePlugin
	}
	p.src = &Source{Type: t, Line: no}
	p.srcBuilt = false
	p.srcRemotes = p.srcRemotes[:0]
	clear(p.optLines)
	p.curSpec = -1
}

// endSource finishes the source section being read, if any.
func (p *parser) endSource() {
	if p.section == sectionSource && !p.srcBuilt {
		p.warnf(p.src.Line, "%s section has no %q line; Bundler ignores it", sourceHeader(p.src.Type), strings.TrimSpace(specsLine))
	}
	p.src, p.srcBuilt, p.curSpec = nil, false, -1
}

func sourceHeader(t SourceType) string {
	switch t {
	case SourceRubygems:
		return headerGem
	case SourceGit:
		return headerGit
	case SourcePath:
		return headerPath
	}
	return headerPlugin
}

// optionLine matches Bundler's OPTIONS pattern, /^  ([a-z]+): (.*)$/i.
func optionLine(line string) (key, value string, ok bool) {
	if len(line) < 3 || line[0] != ' ' || line[1] != ' ' {
		return "", "", false
	}
	i := 2
	for i < len(line) && (line[i]|0x20 >= 'a' && line[i]|0x20 <= 'z') {
		i++
	}
	if i == 2 || i+1 >= len(line) || line[i] != ':' || line[i+1] != ' ' {
		return "", "", false
	}
	return line[2:i], line[i+2:], true
}

func (p *parser) sourceLine(no int, line string) error {
	if line == specsLine {
		return p.buildSource(no)
	}
	if key, value, ok := optionLine(line); ok {
		return p.option(no, key, value)
	}
	switch n := leadingSpaces(line); n {
	case 4:
		return p.specLine(no, line[4:])
	case 6:
		return p.specDependencyLine(no, line[6:])
	case 2:
		if matchNameVersion(line[2:]).hasVersion {
			return p.errorf(no, "spec line indented by 2 spaces; specs take 4")
		}
		p.warnf(no, "line ignored, as Bundler does: not an option, %q or a spec", strings.TrimSpace(specsLine))
		return nil
	default:
		p.warnIndent(no, line, "2, 4 or 6 spaces")
		return nil
	}
}

// warnIndent records a line Bundler skips because of its indentation.
func (p *parser) warnIndent(no int, line, want string) {
	if n := leadingSpaces(line); n < len(line) && line[n] != ' ' && isRubySpace(line[n]) {
		p.warnf(no, "line indented with a tab or other whitespace ignored, as Bundler does (it reads %s)", want)
		return
	}
	p.warnf(no, "line indented by %d spaces ignored, as Bundler does (it reads %s)", leadingSpaces(line), want)
}

func (p *parser) option(no int, key, value string) error {
	t := p.src.Type
	if p.srcBuilt {
		p.warnf(no, "option %q after %q ignored, as Bundler does", key, strings.TrimSpace(specsLine))
		return nil
	}
	if key == "specs" && isBlank(value) {
		return p.errorf(no, "%q line has trailing whitespace; Bundler cannot read the specs below it", strings.TrimSpace(specsLine))
	}
	first, seen := p.optLines[key]
	switch {
	case !seen:
		if p.optLines == nil {
			p.optLines = make(map[string]int)
		}
		p.optLines[key] = no
		if p.src.Options == nil {
			p.src.Options = make(map[string]string)
		}
		p.src.Options[key] = value
	case t == SourceRubygems && key == "remote":
		// Bundler 1.x wrote all rubygems remotes into one GEM section.
	case t == SourceRubygems:
		// Bundler reads nothing but remotes from a GEM section.
		p.warnf(no, "unknown GEM option %q ignored", key)
		return nil
	default:
		return p.errorf(no, "option %q repeated in %s section (first on line %d)", key, sourceHeader(t), first)
	}

	known := false
	switch t {
	case SourceRubygems:
		if known = key == "remote"; known {
			p.src.Remotes = append(p.src.Remotes, value)
			p.srcRemotes = append(p.srcRemotes, no)
		}
	case SourceGit:
		known = true
		switch key {
		case "remote":
			p.src.Remotes = append(p.src.Remotes, value)
		case "revision":
			p.src.Revision = value
		case "ref":
			p.src.Ref = value
		case "branch":
			p.src.Branch = value
		case "tag":
			p.src.Tag = value
		case "glob":
			p.src.Glob = value
		case "submodules":
			// Bundler turns "true"/"false" into booleans and treats any
			// other string as true.
			p.src.Submodules = value != "false"
			if value != "true" && value != "false" {
				p.warnf(no, "submodules: %q is neither true nor false; Bundler treats it as true", value)
			}
		default:
			known = false
		}
	case SourcePath:
		switch key {
		case "remote":
			p.src.Remotes = append(p.src.Remotes, value)
			known = true
		case "glob":
			p.src.Glob = value
			known = true
		}
	case SourcePlugin:
		if key == "remote" {
			p.src.Remotes = append(p.src.Remotes, value)
		}
		if key == "revision" {
			p.src.Revision = value
		}
		known = true // plugins define their own options
	}
	if !known {
		p.warnf(no, "unknown %s option %q ignored", sourceHeader(t), key)
	}
	return nil
}

// buildSource handles "  specs:", where Bundler creates the source object
// from the options read so far.
func (p *parser) buildSource(no int) error {
	s := p.src
	hdr := sourceHeader(s.Type)
	if p.srcBuilt {
		return p.errorf(no, "second %q line in %s section", strings.TrimSpace(specsLine), hdr)
	}
	switch s.Type {
	case SourceRubygems:
		var seen map[string]bool
		for i, r := range s.Remotes {
			if msg := checkRemote(r); msg != "" {
				return p.errorf(p.srcRemotes[i], "GEM remote %q %s", RedactURL(r), msg)
			}
			if len(s.Remotes) == 1 {
				break
			}
			if seen == nil {
				seen = make(map[string]bool, len(s.Remotes))
			}
			if key := remoteKey(r); seen[key] {
				p.warnf(p.srcRemotes[i], "GEM remote %q repeated; Bundler reads it once", RedactURL(r))
			} else {
				seen[key] = true
			}
		}
		if len(seen) > 1 {
			p.warnf(s.Line, "GEM section has %d remotes; Bundler cannot tell which one each of its gems comes from", len(seen))
		}
	case SourceGit, SourcePath, SourcePlugin:
		if len(s.Remotes) == 0 {
			return p.errorf(s.Line, "%s section has no remote", hdr)
		}
		if s.Type == SourceGit && s.Revision == "" {
			p.warnf(s.Line, "GIT section has no revision")
		}
		if s.Type == SourcePlugin {
			if s.Options["type"] == "" {
				return p.errorf(s.Line, "PLUGIN SOURCE section has no type")
			}
			p.warnf(s.Line, "PLUGIN SOURCE of type %q: Bundler reads this lockfile only with that plugin installed", s.Options["type"])
		}
	}
	p.lf.Sources = append(p.lf.Sources, s)
	p.srcBuilt = true
	return nil
}

// remoteKey returns r the way Bundler compares GEM remotes: with a trailing
// slash.
func remoteKey(r string) string {
	if strings.HasSuffix(r, "/") {
		return r
	}
	return r + "/"
}

// checkRemote says what is wrong with r as a GEM remote, or "". Bundler
// requires an absolute URI; an http(s) one without a host cannot be fetched.
func checkRemote(r string) string {
	if !strings.HasSuffix(r, "/") {
		r += "/"
	}
	u, err := url.Parse(r)
	if err != nil || !u.IsAbs() {
		return "is not an absolute URL; Bundler refuses it"
	}
	if s := strings.ToLower(u.Scheme); (s == "http" || s == "https") && u.Host == "" {
		return "has no host"
	}
	return ""
}

// specLine handles a 4-space line in a source section: a locked gem.
func (p *parser) specLine(no int, text string) error {
	if !p.srcBuilt {
		return p.errorf(no, "spec line before the %q line of its %s section", strings.TrimSpace(specsLine), sourceHeader(p.src.Type))
	}
	m := matchNameVersion(text)
	if !validGemName(m.name) {
		return p.errorf(no, "invalid gem name %q", m.name)
	}
	if !m.hasVersion {
		return p.errorf(no, "spec %s has no version", m.name)
	}
	version := trimRubySpace(m.version)
	if version == "" {
		return p.errorf(no, "spec %s has an empty version", m.name)
	}
	if !validVersion(version) {
		return p.errorf(no, "spec %s has an invalid version %q", m.name, version)
	}
	platform := "ruby"
	if m.hasPlatform {
		if !validPlatform(m.platform) {
			return p.errorf(no, "spec %s %s has an invalid platform %q", m.name, version, m.platform)
		}
		platform = m.platform
	}
	if m.pinned {
		p.warnf(no, "%q after spec %s ignored, as Bundler does", "!", m.name)
	}
	if m.hasToken {
		p.warnf(no, "%q after spec %s ignored, as Bundler does", m.token, m.name)
	}

	p.specs = append(p.specs, Spec{
		Name:     m.name,
		Version:  version,
		Platform: platform,
		Source:   p.src,
		Line:     no,
	})
	lo := int32(len(p.deps))
	p.specDeps = append(p.specDeps, span{lo, lo})
	idx := len(p.specs) - 1
	p.curSpec = idx

	key := specKey(text, &m, version, platform)
	if prev, dup := p.byFull[key]; dup {
		p.warnf(no, "%s is locked twice (first on line %d); Bundler keeps the last", p.specs[idx].FullName(), p.specs[prev].Line)
		p.specs[prev].Line = -1 // superseded
		p.removed++
	}
	p.byFull[key] = idx
	return nil
}

// specDependencyLine handles a 6-space line: a dependency of the spec above.
func (p *parser) specDependencyLine(no int, text string) error {
	if p.curSpec < 0 {
		return p.errorf(no, "dependency line without a spec above it")
	}
	owner := p.specs[p.curSpec].Name
	d, r, err := p.dependency(no, text, owner)
	if err != nil {
		return err
	}
	if d.Pinned {
		p.warnf(no, "%q after dependency %s of %s ignored, as Bundler does", "!", d.Name, owner)
		d.Pinned = false
	}
	p.deps = append(p.deps, d)
	p.depReqs = append(p.depReqs, r)
	p.specDeps[p.curSpec].hi = int32(len(p.deps))
	return nil
}

// dependency parses "name", "name (reqs)", with an optional "!", as found in
// DEPENDENCIES and under specs; owner is the spec above, if any.
func (p *parser) dependency(no int, text, owner string) (Dependency, span, error) {
	m := matchNameVersion(text)
	if !validGemName(m.name) {
		return Dependency{}, span{}, p.errorf(no, "invalid gem name %q", m.name)
	}
	// what names the dependency in messages; built only when needed.
	what := func() string {
		if owner == "" {
			return "dependency " + m.name
		}
		return "dependency " + m.name + " of " + owner
	}
	if m.hasPlatform {
		return Dependency{}, span{}, p.errorf(no, "%s: requirement contains %q; Bundler would drop %q", what(), "-", "-"+m.platform)
	}
	if m.hasToken {
		p.warnf(no, "%q after %s ignored, as Bundler does", m.token, what())
	}
	lo := int32(len(p.reqs))
	if m.hasVersion && !isBlank(m.version) {
		for rest := m.version; ; {
			part, tail, more := strings.Cut(rest, ",")
			req := trimRubySpace(part)
			if !validRequirement(req) {
				return Dependency{}, span{}, p.errorf(no, "%s has an invalid requirement %q", what(), req)
			}
			p.reqs = append(p.reqs, req)
			if !more {
				break
			}
			rest = tail
		}
	} else if m.hasVersion && m.version != "" {
		return Dependency{}, span{}, p.errorf(no, "%s has an invalid requirement %q", what(), m.version)
	}
	return Dependency{Name: m.name, Pinned: m.pinned, Line: no}, span{lo, int32(len(p.reqs))}, nil
}

// dependencyLine handles a line of the DEPENDENCIES section.
func (p *parser) dependencyLine(no int, line string) error {
	if err := p.specOutsideSource(no, line); err != nil {
		return err
	}
	if leadingSpaces(line) != 2 {
		p.warnIndent(no, line, "2 spaces")
		return nil
	}
	d, r, err := p.dependency(no, line[2:], "")
	if err != nil {
		return err
	}
	if p.topIndex == nil {
		p.topIndex = make(map[string]int)
	}
	if i, dup := p.topIndex[d.Name]; dup {
		p.warnf(no, "dependency %s listed twice (first on line %d); Bundler keeps the last", d.Name, p.lf.Dependencies[i].Line)
		p.lf.Dependencies[i] = d
		p.topReqs[i] = r
		return nil
	}
	p.topIndex[d.Name] = len(p.lf.Dependencies)
	p.lf.Dependencies = append(p.lf.Dependencies, d)
	p.topReqs = append(p.topReqs, r)
	return nil
}

// platformLine handles a line of the PLATFORMS section. Bundler 2.6 and
// later strip the value; older ones keep extra indentation in it.
func (p *parser) platformLine(no int, line string) error {
	if err := p.specOutsideSource(no, line); err != nil {
		return err
	}
	n := leadingSpaces(line)
	if n < 2 {
		p.warnIndent(no, line, "2 spaces")
		return nil
	}
	v := trimRubySpace(line)
	if !validPlatform(v) {
		return p.errorf(no, "invalid platform %q", v)
	}
	if n != 2 {
		p.warnf(no, "platform %s indented by %d spaces; Bundler 2.6 and later read it, older ones misread it", v, n)
	}
	p.lf.Platforms = append(p.lf.Platforms, v)
	return nil
}

// checksumLine handles a line of the CHECKSUMS section:
// "  name (version[-platform]) algo=digest[,algo=digest...]".
func (p *parser) checksumLine(no int, line string) error {
	if err := p.specOutsideSource(no, line); err != nil {
		return err
	}
	if leadingSpaces(line) != 2 {
		p.warnIndent(no, line, "2 spaces")
		return nil
	}
	m := matchNameVersion(line[2:])
	if !validGemName(m.name) {
		return p.errorf(no, "invalid gem name %q", m.name)
	}
	if !m.hasVersion {
		return p.errorf(no, "checksum of %s has no version", m.name)
	}
	c := Checksum{Name: m.name, Version: trimRubySpace(m.version), Platform: "ruby", Line: no}
	if !validVersion(c.Version) {
		return p.errorf(no, "checksum of %s has an invalid version %q", m.name, c.Version)
	}
	if m.hasPlatform {
		if !validPlatform(m.platform) {
			return p.errorf(no, "checksum of %s %s has an invalid platform %q", m.name, c.Version, m.platform)
		}
		c.Platform = m.platform
	}
	if m.pinned {
		p.warnf(no, "%q after checksum of %s ignored, as Bundler does", "!", m.name)
	}
	if m.hasToken {
		spec := specKey(line[2:], &m, c.Version, c.Platform)
		specIdx, isSpec := p.byFull[spec]
		full := func() string { return (&Spec{Name: c.Name, Version: c.Version, Platform: c.Platform}).FullName() }
		lo := len(p.sumSlab)
		for rest := m.token; ; {
			part, tail, more := strings.Cut(rest, ",")
			sum := trimRubySpace(part)
			algo, digest, ok := strings.Cut(sum, "=")
			if !ok || algo == "" || digest == "" {
				return p.errorf(no, "invalid checksum %q for %s", sum, full())
			}
			norm := digest
			if algo == "sha256" {
				if norm, ok = sha256Hex(digest); !ok {
					return p.errorf(no, "invalid sha256 digest %q for %s", digest, full())
				}
			}
			if prev := p.seenChecksum(spec, specIdx, isSpec, algo, norm, no); prev.hex != norm {
				return p.errorf(no, "%s checksum of %s differs from the one on line %d; Bundler refuses mismatched checksums", algo, full(), prev.line)
			}
			p.sumSlab = append(p.sumSlab, sum)
			if !more {
				break
			}
			rest = tail
		}
		c.Sums = p.sumSlab[lo:len(p.sumSlab):len(p.sumSlab)]
	}
	p.lf.Checksums = append(p.lf.Checksums, c)
	return nil
}

// hexKind classifies bytes for sha256Hex.
var hexKind = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			t[c] = hexUpper
		default:
			t[c] = hexBad
		}
	}
	return t
}()

const (
	hexUpper = 1 << iota
	hexBad
)

// seenChecksum records digest as the algo checksum of spec, unless one was
// recorded before, and returns the first one recorded. The sha256 digests of
// locked specs, nearly all of them, are kept by spec index rather than in a
// map.
func (p *parser) seenChecksum(spec string, idx int, isSpec bool, algo, digest string, line int) checksumSeen {
	if isSpec && algo == "sha256" {
		if p.specSums == nil {
			p.specSums = make([]checksumSeen, len(p.specs))
		}
		if idx < len(p.specSums) {
			if prev := p.specSums[idx]; prev.line > 0 {
				return prev
			}
			p.specSums[idx] = checksumSeen{digest, line}
			return p.specSums[idx]
		}
	}
	if p.sums == nil {
		p.sums = make(map[checksumKey]checksumSeen)
	}
	key := checksumKey{spec, algo}
	if prev, ok := p.sums[key]; ok {
		return prev
	}
	p.sums[key] = checksumSeen{digest, line}
	return p.sums[key]
}

// sha256Hex returns a sha256 digest as lower-case hex. Bundler accepts 64 hex
// digits or the base64 form (standard or URL-safe alphabet) of 32 bytes.
func sha256Hex(d string) (string, bool) {
	if len(d) == 64 {
		var kinds byte
		for i := 0; i < len(d); i++ {
			kinds |= hexKind[d[i]]
		}
		switch {
		case kinds&hexBad != 0:
			return "", false
		case kinds&hexUpper != 0:
			return strings.ToLower(d), true
		}
		return d, true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(d); err == nil && len(b) == 32 {
			return hex.EncodeToString(b), true
		}
	}
	return "", false
}

// finish turns the slabs into the exported slices and links the graph.
func (p *parser) finish() {
	for i := range p.deps {
		p.deps[i].Requirements = p.reqSlice(p.depReqs[i])
	}
	for i := range p.lf.Dependencies {
		p.lf.Dependencies[i].Requirements = p.reqSlice(p.topReqs[i])
	}
	p.lf.Specs = make([]*Spec, 0, len(p.specs)-p.removed)
	for i := range p.specs {
		s := &p.specs[i]
		if s.Line < 0 {
			continue
		}
		if d := p.specDeps[i]; d.hi > d.lo {
			s.Dependencies = p.deps[d.lo:d.hi:d.hi]
		}
		p.lf.Specs = append(p.lf.Specs, s)
	}
	p.lf.link()
	if p.dropped > 0 {
		p.lf.Warnings = append(p.lf.Warnings, Warning{Line: p.firstDropped,
			Msg: fmt.Sprintf("%d more warnings from this line on not recorded", p.dropped)})
	}
	slices.SortStableFunc(p.lf.Warnings, func(a, b Warning) int { return a.Line - b.Line })
}

func (p *parser) reqSlice(r span) []string {
	if r.hi == r.lo {
		return nil
	}
	return p.reqs[r.lo:r.hi:r.hi]
}
