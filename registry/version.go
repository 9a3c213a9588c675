package registry

import (
	"strings"
)

// CompareVersions orders two version numbers the way RubyGems'
// Gem::Version#<=> does, returning -1, 0 or +1. A version is split into
// runs of digits and runs of letters ("1.0.0.rc1" is 1 0 0 "rc" 1); trailing
// zeros of the numeric part and of the letter part are insignificant, so
// "1.0" == "1"; a letter segment sorts before any number, so prereleases come
// before their release: 1.0.0.rc1 < 1.0.0 < 1.0.0.1 < 1.10. A "-" is read as
// ".pre." as RubyGems does. Numbers of any length compare exactly.
func CompareVersions(a, b string) int {
	if a == b {
		return 0
	}
	l, r := canonicalSegments(a), canonicalSegments(b)
	n := max(len(l), len(r))
	for i := range n {
		ls, rs := segmentAt(l, i), segmentAt(r, i)
		if c := ls.compare(rs); c != 0 {
			return c
		}
	}
	return 0
}

// IsPrerelease reports whether RubyGems treats the version number as a
// prerelease: it contains a letter, or a "-" (which RubyGems reads as
// ".pre.").
func IsPrerelease(v string) bool {
	return strings.IndexFunc(v, isASCIILetter) >= 0 || strings.Contains(v, "-")
}

// segment is one run of a version number: digits (with leading zeros
// removed, so that length then lexical order is numeric order) or letters.
type segment struct {
	text    string
	numeric bool
}

var zeroSegment = segment{text: "", numeric: true}

func segmentAt(s []segment, i int) segment {
	if i < len(s) {
		return s[i]
	}
	return zeroSegment
}

func (s segment) compare(o segment) int {
	switch {
	case s.numeric && o.numeric:
		if len(s.text) != len(o.text) {
			if len(s.text) < len(o.text) {
				return -1
			}
			return 1
		}
		return strings.Compare(s.text, o.text)
	case !s.numeric && !o.numeric:
		return strings.Compare(s.text, o.text)
	case !s.numeric:
		return -1 // letters sort before numbers
	default:
		return 1
	}
}

func (s segment) isZero() bool { return s.numeric && s.text == "" }

// splitSegments scans runs of digits and runs of ASCII letters, ignoring
// everything else, like RubyGems' @version.scan(/[0-9]+|[a-z]+/i).
func splitSegments(v string) []segment {
	v = strings.ReplaceAll(strings.TrimSpace(v), "-", ".pre.")
	var out []segment
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			out = append(out, segment{text: strings.TrimLeft(v[i:j], "0"), numeric: true})
			i = j
		case isLetter(c):
			j := i
			for j < len(v) && isLetter(v[j]) {
				j++
			}
			out = append(out, segment{text: v[i:j]})
			i = j
		default:
			i++
		}
	}
	return out
}

// canonicalSegments drops the insignificant trailing zeros of the leading
// numeric part and of the rest, as Gem::Version#canonical_segments does.
func canonicalSegments(v string) []segment {
	segs := splitSegments(v)
	split := len(segs)
	for i, s := range segs {
		if !s.numeric {
			split = i
			break
		}
	}
	out := append([]segment(nil), trimZeros(segs[:split])...)
	return append(out, trimZeros(segs[split:])...)
}

func trimZeros(s []segment) []segment {
	for len(s) > 0 && s[len(s)-1].isZero() {
		s = s[:len(s)-1]
	}
	return s
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isASCIILetter(r rune) bool { return r < 0x80 && isLetter(byte(r)) }
