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
		if !markerByte[c] {
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

// markerByte holds the bytes conflict markers are made of.
var markerByte = [256]bool{'<': true, '=': true, '>': true, '|': true}

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

// specInfo is what the parser keeps about a spec besides the Spec itself.
type specInfo struct {
	deps span  // its dependencies, into deps
	name int32 // the number of its name
}

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
	specInfo []specInfo // per spec
	deps     []Dependency
	depName  []int32 // per entry of deps, the number of its name
	topName  []int32 // per entry of lf.Dependencies, the number of its name
	reqs     []string
	removed  int                          // specs superseded by a later duplicate
	names    nameTable                    // every gem name of a spec or dependency
	byKey    table                        // specKey → index into specs
	topOf    []int32                      // per name number, 1 + its index into lf.Dependencies, or 0
	specSums []sumSeen                    // per spec, its sha256 digest, if listed
	sums     map[checksumKey]checksumSeen // other digests
	sumSlab  []string                     // Checksum.Sums of every line, back to back
	rubyLine int                          // line of the RUBY VERSION value

	// While the CHECKSUMS lines hold one lower-case sha256 digest each, or
	// none, in strictly increasing order of spec key, as Bundler writes
	// them, and no spec line comes after the first, no two lines can list
	// digests of one spec: recording the digests is put off (see
	// checkSums), and lastSum is the key of the last line with one.
	sumsDeferred bool
	lastSum      string

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

// sumSeen says where the sha256 digest of a spec was first listed: the line,
// or 0, and the entry of sumSlab that holds it.
type sumSeen struct{ sum, line int32 }

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
		path:         path,
		lf:           &Lockfile{Path: path},
		curSpec:      -1,
		sumsDeferred: true,
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
	p.specInfo = make([]specInfo, 0, specs)
	p.deps = make([]Dependency, 0, deep)
	p.depName = make([]int32, 0, deep)
	p.reqs = make([]string, 0, deep+min(strings.Count(text, ","), deep)+deep/4+1)
	p.names = makeNameTable(specs)
	p.byKey = makeTable(specs)

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
	if line[0] == ' ' {
		return p.body(no, line)
	}
	switch line {
	case headerGem, headerGit, headerPath, headerPlugin:
		p.startSource(no, line)
		return nil
	case headerDependencies:
		p.startSection(sectionDependencies)
		n := len(p.specs)/2 + 1
		p.lf.Dependencies = slices.Grow(p.lf.Dependencies, n)
		p.topName = slices.Grow(p.topName, n)
		p.topOf = slices.Grow(p.topOf, len(p.names.names)+n)
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
	return p.body(no, line)
}

// body handles a line that starts with whitespace: the body of a section.
func (p *parser) body(no int, line string) error {
	// An indented header starts with a capital after the whitespace.
	if c := line[leadingSpaces(line)]; c >= 'A' && c <= 'Z' || isRubySpace(c) {
		if h := trimRubySpace(line); h[0] >= 'A' && h[0] <= 'Z' && isKnownHeader(h) && p.section != sectionUnknown {
			p.warnf(no, "indented section header %q is not a header to Bundler; line ignored", h)
			return nil
		}
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
	if p.sumsDeferred && len(p.sumSlab) > 0 {
		p.checkSums()
	}
	name, version, platform, end, ok := writtenNameVersion(text)
	key := text
	if !ok || end != len(text) {
		var err error
		if name, version, platform, key, err = p.readSpec(no, text); err != nil {
			return err
		}
	}

	p.specs = append(p.specs, Spec{
		Name:     name,
		Version:  version,
		Platform: platform,
		Source:   p.src,
		Line:     no,
	})
	lo := int32(len(p.deps))
	p.specInfo = append(p.specInfo, specInfo{deps: span{lo, lo}, name: p.names.id(name)})
	idx := len(p.specs) - 1
	p.curSpec = idx

	slot, h, prev, dup := p.findSpec(key, name, version, platform)
	if dup {
		p.warnf(no, "%s is locked twice (first on line %d); Bundler keeps the last", p.specs[idx].FullName(), p.specs[prev].Line)
		p.specs[prev].Line = -1 // superseded
		p.removed++
	}
	p.byKey.set(slot, h, int32(idx))
	return nil
}

// readSpec reads text, a spec line after its indentation, in any shape
// Bundler reads, and returns the parts of the spec and its specKey.
func (p *parser) readSpec(no int, text string) (name, version, platform, key string, err error) {
	m := matchNameVersion(text)
	if !validGemName(m.name) {
		return "", "", "", "", p.errorf(no, "invalid gem name %q", m.name)
	}
	if !m.hasVersion {
		return "", "", "", "", p.errorf(no, "spec %s has no version", m.name)
	}
	version = trimRubySpace(m.version)
	if version == "" {
		return "", "", "", "", p.errorf(no, "spec %s has an empty version", m.name)
	}
	if !validVersion(version) {
		return "", "", "", "", p.errorf(no, "spec %s has an invalid version %q", m.name, version)
	}
	platform = "ruby"
	if m.hasPlatform {
		if !validPlatform(m.platform) {
			return "", "", "", "", p.errorf(no, "spec %s %s has an invalid platform %q", m.name, version, m.platform)
		}
		platform = m.platform
	}
	if m.pinned {
		p.warnf(no, "%q after spec %s ignored, as Bundler does", "!", m.name)
	}
	if m.hasToken {
		p.warnf(no, "%q after spec %s ignored, as Bundler does", m.token, m.name)
	}
	return m.name, version, platform, specKey(text, &m, version, platform), nil
}

// findSpec looks for the spec whose specKey is key, made of name, version
// and platform. It returns the index of that spec into specs and true, or
// false; and the slot and hash where byKey keeps the key or would.
func (p *parser) findSpec(key, name, version, platform string) (slot int, h uint32, idx int, ok bool) {
	h = hash32(key)
	for slot = p.byKey.probe(h); ; slot = p.byKey.next(slot) {
		v, match, empty := p.byKey.at(slot, h)
		if empty {
			return slot, h, -1, false
		}
		// The key of a spec is spelled by these three fields alone.
		if s := &p.specs[v]; match && s.Name == name && s.Version == version && s.Platform == platform {
			return slot, h, int(v), true
		}
	}
}

// specDependencyLine handles a 6-space line: a dependency of the spec above.
func (p *parser) specDependencyLine(no int, text string) error {
	if p.curSpec < 0 {
		return p.errorf(no, "dependency line without a spec above it")
	}
	owner := p.specs[p.curSpec].Name
	d, err := p.dependency(no, text, owner)
	if err != nil {
		return err
	}
	if d.Pinned {
		p.warnf(no, "%q after dependency %s of %s ignored, as Bundler does", "!", d.Name, owner)
		d.Pinned = false
	}
	p.deps = append(p.deps, d)
	p.depName = append(p.depName, p.names.id(d.Name))
	p.specInfo[p.curSpec].deps.hi = int32(len(p.deps))
	return nil
}

// dependency parses "name", "name (reqs)", with an optional "!", as found in
// DEPENDENCIES and under specs; owner is the spec above, if any.
func (p *parser) dependency(no int, text, owner string) (Dependency, error) {
	lo := int32(len(p.reqs))
	if name, pinned, ok := p.writtenDependency(text); ok {
		return Dependency{Name: name, Requirements: p.reqSlice(lo), Pinned: pinned, Line: no}, nil
	}
	return p.readDependency(no, text, owner)
}

// readDependency reads text, a dependency line after its indentation, in
// any shape Bundler reads; owner is the spec above, if any.
func (p *parser) readDependency(no int, text, owner string) (Dependency, error) {
	lo := int32(len(p.reqs))
	m := matchNameVersion(text)
	if !validGemName(m.name) {
		return Dependency{}, p.errorf(no, "invalid gem name %q", m.name)
	}
	// what names the dependency in messages; built only when needed.
	what := func() string {
		if owner == "" {
			return "dependency " + m.name
		}
		return "dependency " + m.name + " of " + owner
	}
	if m.hasPlatform {
		return Dependency{}, p.errorf(no, "%s: requirement contains %q; Bundler would drop %q", what(), "-", "-"+m.platform)
	}
	if m.hasToken {
		p.warnf(no, "%q after %s ignored, as Bundler does", m.token, what())
	}
	if m.hasVersion && !isBlank(m.version) {
		for rest := m.version; ; {
			part, tail, more := strings.Cut(rest, ",")
			req := trimRubySpace(part)
			if !validRequirement(req) {
				return Dependency{}, p.errorf(no, "%s has an invalid requirement %q", what(), req)
			}
			p.reqs = append(p.reqs, req)
			if !more {
				break
			}
			rest = tail
		}
	} else if m.hasVersion && m.version != "" {
		return Dependency{}, p.errorf(no, "%s has an invalid requirement %q", what(), m.version)
	}
	return Dependency{Name: m.name, Requirements: p.reqSlice(lo), Pinned: m.pinned, Line: no}, nil
}

// writtenDependency reads text, a dependency line after its indentation,
// when it has a shape Bundler writes: "name" or "name (requirements)", then
// an optional "!", with a valid gem name and valid requirements, each an
// optional operator, spaces and a version, separated by "," and spaces. It
// appends the requirements to p.reqs and returns the name and whether the
// line ends in "!"; for any other line it returns false and leaves p.reqs as
// it was, for dependency to read the general way.
//
// matchNameVersion finds the same parts in such a line, as no byte of a name
// can end a shorter one and the only ")" closes the version group; the
// requirements hold no "-"; and each is what dependency keeps of its part.
func (p *parser) writtenDependency(text string) (name string, pinned, ok bool) {
	i := nameLen(text)
	if i == 0 {
		return "", false, false
	}
	name = text[:i]
	lo := len(p.reqs)
	if i+1 < len(text) && text[i] == ' ' && text[i+1] == '(' {
		i = p.writtenRequirements(text, i+2)
	}
	if i >= 0 {
		switch text[i:] {
		case "":
			return name, false, true
		case "!":
			return name, true, true
		}
	}
	p.reqs = p.reqs[:lo]
	return "", false, false
}

// writtenRequirements reads the requirements that start at s[i], up to the
// ")" that ends them, appending each to p.reqs. It returns the offset past
// the ")", or -1 if they are not as writtenDependency wants them.
func (p *parser) writtenRequirements(s string, i int) int {
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		start := i
		i += operatorLen(s[i:])
		for i < len(s) && s[i] == ' ' {
			i++
		}
		n := releaseVersionLen(s[i:])
		if n == 0 || i+n == len(s) {
			return -1
		}
		i += n
		p.reqs = append(p.reqs, s[start:i])
		switch s[i] {
		case ')':
			return i + 1
		case ',':
			i++
		default:
			return -1
		}
	}
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
	d, err := p.dependency(no, line[2:], "")
	if err != nil {
		return err
	}
	id := p.names.id(d.Name)
	if n := int(id) + 1; n > len(p.topOf) {
		p.topOf = append(p.topOf, make([]int32, n-len(p.topOf))...)
	}
	if i := p.topOf[id] - 1; i >= 0 {
		p.warnf(no, "dependency %s listed twice (first on line %d); Bundler keeps the last", d.Name, p.lf.Dependencies[i].Line)
		p.lf.Dependencies[i] = d
		return nil
	}
	p.topOf[id] = int32(len(p.lf.Dependencies)) + 1
	p.lf.Dependencies = append(p.lf.Dependencies, d)
	p.topName = append(p.topName, id)
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
	text := line[2:]
	name, version, platform, end, ok := writtenNameVersion(text)
	if ok && end == len(text) {
		p.lf.Checksums = append(p.lf.Checksums, Checksum{Name: name, Version: version, Platform: platform, Line: no})
		return nil
	}
	if sum := text[end:]; ok && len(sum) == len(" sha256=")+64 && sum[:8] == " sha256=" && lowerHex(sum[8:]) {
		c := Checksum{Name: name, Version: version, Platform: platform, Line: no}
		if key := text[:end]; p.sumsDeferred && key > p.lastSum {
			p.lastSum = key
		} else {
			p.checkSums()
			_, _, idx, isSpec := p.findSpec(key, name, version, platform)
			if err := p.checkSum(no, &c, key, idx, isSpec, "sha256", sum[8:]); err != nil {
				return err
			}
		}
		p.sumSlab = append(p.sumSlab, sum[1:])
		c.Sums = p.sumSlab[len(p.sumSlab)-1 : len(p.sumSlab) : len(p.sumSlab)]
		p.lf.Checksums = append(p.lf.Checksums, c)
		return nil
	}
	return p.readChecksum(no, text)
}

// readChecksum reads text, a CHECKSUMS line after its indentation, in any
// shape Bundler reads.
func (p *parser) readChecksum(no int, text string) error {
	m := matchNameVersion(text)
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
		p.checkSums()
		spec := specKey(text, &m, c.Version, c.Platform)
		_, _, specIdx, isSpec := p.findSpec(spec, c.Name, c.Version, c.Platform)
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
			if err := p.checkSum(no, &c, spec, specIdx, isSpec, algo, norm); err != nil {
				return err
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

// checkSum records digest, normalised, as the algo checksum of c, which is
// the spec whose key is spec (at index idx into specs if isSpec), and
// refuses it if the spec has a different one.
func (p *parser) checkSum(no int, c *Checksum, spec string, idx int, isSpec bool, algo, digest string) error {
	if prev := p.seenChecksum(spec, idx, isSpec, algo, digest, no, len(p.sumSlab)); prev.hex != digest {
		full := (&Spec{Name: c.Name, Version: c.Version, Platform: c.Platform}).FullName()
		return p.errorf(no, "%s checksum of %s differs from the one on line %d; Bundler refuses mismatched checksums", algo, full, prev.line)
	}
	return nil
}

// lowerHex reports whether s is all lower-case hex digits. It tests eight
// bytes at a time: to a byte below 0x80, adding 0x80-lo sets the top bit
// just when the byte is lo or more, and adding 0x7f-hi just when it is more
// than hi; no sum carries into the next byte.
func lowerHex(s string) bool {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	for ; len(s) >= 8; s = s[8:] {
		x := load8(s)
		digit := (x + (0x80-'0')*ones) &^ (x + (0x7f-'9')*ones)
		letter := (x + (0x80-'a')*ones) &^ (x + (0x7f-'f')*ones)
		if x&tops != 0 || (digit|letter)&tops != tops {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if hexKind[s[i]] != 0 {
			return false
		}
	}
	return true
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

// checkSums records the digests whose recording was put off, as
// checksumLine would have recorded them line by line, and stops putting it
// off. It is called before a line that could list a digest for a spec some
// earlier line did, and before a spec line, which could change what spec a
// key names. Being of distinct specs, the digests cannot differ from one
// recorded before.
func (p *parser) checkSums() {
	if !p.sumsDeferred {
		return
	}
	p.sumsDeferred = false
	at := 0 // each line with a digest put one entry in sumSlab
	for i := range p.lf.Checksums {
		c := &p.lf.Checksums[i]
		if c.Sums == nil {
			continue
		}
		key := c.Name + " (" + c.Version + ")"
		if c.Platform != "ruby" {
			key = c.Name + " (" + c.Version + "-" + c.Platform + ")"
		}
		_, _, idx, isSpec := p.findSpec(key, c.Name, c.Version, c.Platform)
		p.seenChecksum(key, idx, isSpec, "sha256", strings.TrimPrefix(c.Sums[0], "sha256="), c.Line, at)
		at++
	}
}

// seenChecksum records digest as the algo checksum of spec, unless one was
// recorded before, and returns the first one recorded; the "algo=digest"
// entry is sumSlab[at], or will be. The sha256 digests of locked specs,
// nearly all of them, are kept by spec index, as the sumSlab entry that
// holds them, rather than in a map.
func (p *parser) seenChecksum(spec string, idx int, isSpec bool, algo, digest string, line, at int) checksumSeen {
	if isSpec && algo == "sha256" {
		if p.specSums == nil {
			p.specSums = make([]sumSeen, len(p.specs))
		}
		if idx < len(p.specSums) {
			if prev := p.specSums[idx]; prev.line > 0 {
				hex, _ := sha256Hex(strings.TrimPrefix(p.sumSlab[prev.sum], "sha256="))
				return checksumSeen{hex, int(prev.line)}
			}
			p.specSums[idx] = sumSeen{int32(at), int32(line)}
			return checksumSeen{digest, line}
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
	p.lf.Specs = make([]*Spec, 0, len(p.specs)-p.removed)
	for i := range p.specs {
		s := &p.specs[i]
		if s.Line < 0 {
			continue
		}
		if d := p.specInfo[i].deps; d.hi > d.lo {
			s.Dependencies = p.deps[d.lo:d.hi:d.hi]
		}
		p.lf.Specs = append(p.lf.Specs, s)
	}
	p.link()
	if p.dropped > 0 {
		p.lf.Warnings = append(p.lf.Warnings, Warning{Line: p.firstDropped,
			Msg: fmt.Sprintf("%d more warnings from this line on not recorded", p.dropped)})
	}
	slices.SortStableFunc(p.lf.Warnings, func(a, b Warning) int { return a.Line - b.Line })
}

// reqSlice returns the requirements appended to reqs since index lo, or nil.
func (p *parser) reqSlice(lo int32) []string {
	hi := int32(len(p.reqs))
	if hi == lo {
		return nil
	}
	return p.reqs[lo:hi:hi]
}
