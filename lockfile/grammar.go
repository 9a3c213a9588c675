package lockfile

import "strings"

// nameVersion is one match of Bundler's NAME_VERSION pattern against the
// text after a line's indentation:
//
//	(.*?)(?: \(([^-]*)(?:-(.*))?\))?(!)?(?: ([^ ]+))?$
//
// (bundler/lib/bundler/lockfile_parser.rb, Bundler 2.5 and later; the last
// group, a checksum, is absent from older Bundlers).
type nameVersion struct {
	name        string
	version     string // text inside the parentheses, before the first "-"
	platform    string // text after the first "-", up to the closing parenthesis
	token       string // the trailing " token" (a checksum in CHECKSUMS)
	hasVersion  bool
	hasPlatform bool
	pinned      bool // a "!" after the name or the closing parenthesis
	hasToken    bool
}

// matchNameVersion matches s the way the Ruby regular expression above does,
// leftmost-first with a lazy name, in linear time and without allocating.
//
// The match must reach the end of the line, so whatever follows the version
// group is "", "!", " X" or "! X" with X free of spaces. That leaves at most
// four places where the group's closing parenthesis can be. The regular
// expression tries the shortest name first and, for a name, the longest
// version group first; so the result is the first " (" that opens a group
// closing at the last of those places, unless a shorter name already lets the
// rest of the line match without a version group.
func matchNameVersion(s string) nameVersion {
	n := len(s)
	if k := strings.IndexByte(s, '('); k > 0 && s[k-1] == ' ' {
		// Fast path for the common "name (version)": the group closes at
		// the end, and opens at the first " (" unless a "!" right before it
		// lets a shorter name match with "! (...)" as a pinned marker and a
		// token.
		if s[n-1] == ')' && (k == 1 || s[k-2] != '!') {
			return versionMatch(s, k-1, n-1)
		}
		// Fast path for "name (version) token", a CHECKSUMS line: when the
		// token has no space and no ")", the first ")" after the " (" is the
		// last that can close the group, and no shorter name matches.
		if c := k + strings.IndexByte(s[k:], ')'); c > k && c+2 < n && s[c+1] == ' ' {
			if tok := s[c+2:]; strings.IndexByte(tok, ' ') < 0 && strings.IndexByte(tok, ')') < 0 {
				return versionMatch(s, k-1, c)
			}
		}
	}
	lastSpace := strings.LastIndexByte(s, ' ')

	// Largest index of a ")" that can close the version group.
	closeAt := -1
	for _, c := range [...]int{n - 1, n - 2, lastSpace - 1, lastSpace - 2} {
		if c > closeAt && c >= 0 && s[c] == ')' && tailMatches(s, c+1, lastSpace) {
			closeAt = c
		}
	}

	// The shortest name that lets the rest match without a version group
	// ends at one of the places where a tail can start.
	bare := n
	for _, i := range [...]int{lastSpace - 1, lastSpace, n - 1} {
		if i >= 0 && i < bare && tailMatches(s, i, lastSpace) {
			bare = i
		}
	}
	// The shortest name followed by a version group ends at the first " ("
	// whose group can close at closeAt; the group is tried first.
	for j := 0; closeAt >= 2; {
		k := strings.IndexByte(s[j:closeAt], '(')
		if k < 0 || j+k-1 > bare {
			break
		}
		if i := j + k - 1; i >= 0 && s[i] == ' ' {
			return versionMatch(s, i, closeAt)
		}
		j += k + 1
	}
	m := nameVersion{name: s[:bare]}
	m.setTail(s[bare:])
	return m
}

// writtenNameVersion reads the start of s in the shape Bundler writes for a
// spec: "name (version)" or "name (version-platform)", with a valid gem name,
// a valid version and a valid platform other than "ruby". It returns the
// parts and the offset just past the ")", or false when s starts otherwise.
//
// When the ")" ends s, or is followed by a space and a token without spaces
// or parentheses, these are the parts matchNameVersion finds: a shorter name
// would be followed by a name byte, which neither a version group nor a tail
// starts with, and that ")" is the only one a tail can follow.
func writtenNameVersion(s string) (name, version, platform string, end int, ok bool) {
	i := nameLen(s)
	if i == 0 || i+2 >= len(s) || s[i] != ' ' || s[i+1] != '(' {
		return "", "", "", 0, false
	}
	v := i + 2
	j := v + releaseVersionLen(s[v:])
	if j == v || j == len(s) {
		return "", "", "", 0, false
	}
	name, version, platform = s[:i], s[v:j], "ruby"
	if s[j] == '-' {
		k := j + 1 + nameLen(s[j+1:])
		platform = s[j+1 : k]
		if k == len(s) || platform == "ruby" || !validPlatform(platform) {
			return "", "", "", 0, false
		}
		j = k
	}
	if s[j] != ')' {
		return "", "", "", 0, false
	}
	return name, version, platform, j + 1, true
}

// versionMatch is the match whose name ends at i, where " (" opens the
// version group that closes at closeAt.
func versionMatch(s string, i, closeAt int) nameVersion {
	m := nameVersion{name: s[:i], hasVersion: true}
	inner := s[i+2 : closeAt]
	if d := strings.IndexByte(inner, '-'); d >= 0 {
		m.version, m.platform, m.hasPlatform = inner[:d], inner[d+1:], true
	} else {
		m.version = inner
	}
	m.setTail(s[closeAt+1:])
	return m
}

// tailMatches reports whether s[i:] matches (!)?(?: ([^ ]+))?$ ; lastSpace is
// the index of the last space in s, or -1.
func tailMatches(s string, i, lastSpace int) bool {
	n := len(s)
	switch {
	case i == n:
		return true
	case s[i] == '!':
		return i+1 == n || (i+1 == lastSpace && lastSpace < n-1)
	case s[i] == ' ':
		return i == lastSpace && i < n-1
	}
	return false
}

// setTail records the pinned marker and the token of a tail that matches.
func (m *nameVersion) setTail(t string) {
	if t != "" && t[0] == '!' {
		m.pinned = true
		t = t[1:]
	}
	if t != "" {
		m.token, m.hasToken = t[1:], true
	}
}

// isRubySpace reports whether c is in Ruby's \s class: a space, or one of
// the consecutive bytes \t, \n, \v, \f and \r.
func isRubySpace(c byte) bool {
	return c == ' ' || c-'\t' <= '\r'-'\t'
}

// trimRubySpace removes leading and trailing Ruby whitespace, like String#strip.
func trimRubySpace(s string) string {
	i, j := 0, len(s)
	for i < j && isRubySpace(s[i]) {
		i++
	}
	for j > i && (isRubySpace(s[j-1]) || s[j-1] == 0) {
		j--
	}
	return s[i:j]
}

// isBlank reports whether s matches /^\s*$/.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isRubySpace(s[i]) {
			return false
		}
	}
	return true
}

// leadingSpaces counts the spaces (not tabs) at the start of s.
func leadingSpaces(s string) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// validGemName reports whether s is a name RubyGems accepts for a gem
// (Gem::Specification's VALID_NAME_PATTERN, /\A[a-zA-Z0-9\.\-\_]+\z/).
func validGemName(s string) bool {
	return s != "" && nameLen(s) == len(s)
}

// nameLen returns the length of the longest prefix of s made of gem name
// bytes.
func nameLen(s string) int {
	i := 0
	for i < len(s) && nameByte[s[i]] {
		i++
	}
	return i
}

// load8 returns the first eight bytes of s as a little-endian word.
func load8(s string) uint64 {
	s = s[:8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// nameByte holds the bytes of VALID_NAME_PATTERN.
var nameByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isAlnum(byte(c)) || c == '.' || c == '-' || c == '_'
	}
	return t
}()

// validPlatform reports whether s looks like a platform RubyGems writes:
// parts of letters, digits, "_" and "." joined by single dashes
// (x86_64-linux-gnu, universal-java-11, x64-mingw-ucrt).
func validPlatform(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	return validGemName(s)
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool { return alnumByte[c] }

// alnumByte holds the ASCII letters and digits.
var alnumByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// releaseVersionLen returns the length of the longest prefix of s matching
// [0-9]+(?:\.[0-9a-zA-Z]+)*, the part of Gem::Version::VERSION_PATTERN before
// any "-prerelease", or 0 when s does not start with a digit.
func releaseVersionLen(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 {
		return 0
	}
	for i+1 < len(s) && s[i] == '.' && isAlnum(s[i+1]) {
		i += 2
		for i < len(s) && isAlnum(s[i]) {
			i++
		}
	}
	return i
}

// validVersion reports whether s, already stripped, is a version as written
// on a spec line: Gem::Version accepts it and it has no "-" (the grammar
// splits a platform off at the first "-").
func validVersion(s string) bool {
	return s != "" && releaseVersionLen(s) == len(s)
}

// validFullVersion reports whether s is a whole Gem::Version, prerelease part
// included (Gem::Version.correct?, minus the empty string).
func validFullVersion(s string) bool {
	i := releaseVersionLen(s)
	if i == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	// (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
	if s[i] != '-' {
		return false
	}
	for _, part := range strings.Split(s[i+1:], ".") {
		if part == "" {
			return false
		}
		for j := 0; j < len(part); j++ {
			if !isAlnum(part[j]) && part[j] != '-' {
				return false
			}
		}
	}
	return true
}

// validRequirement reports whether s, already stripped, is one term of a
// Gem::Requirement without a "-" (the grammar cuts requirements at the first
// "-"): an optional operator =, !=, >, <, >=, <= or ~>, then a version.
func validRequirement(s string) bool {
	return validVersion(trimRubySpace(s[operatorLen(s):]))
}

// operatorLen returns the length of the requirement operator s starts with:
// 2 for !=, >=, <= and ~>, 1 for =, > and <, 0 when there is none.
func operatorLen(s string) int {
	switch {
	case strings.HasPrefix(s, "!="), strings.HasPrefix(s, ">="),
		strings.HasPrefix(s, "<="), strings.HasPrefix(s, "~>"):
		return 2
	case strings.HasPrefix(s, "="), strings.HasPrefix(s, ">"), strings.HasPrefix(s, "<"):
		return 1
	}
	return 0
}
