package lockfile

import "strings"

// RedactURL replaces the userinfo of a URL ("https://user:pass@host/" or
// "https://TOKEN@host/", also the scheme-relative "//user:pass@host/") with
// REDACTED, so that credentials kept in a lockfile remote never reach a
// report. Anything else is returned unchanged.
func RedactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "//")
	if !ok || !(scheme == "" || strings.HasSuffix(scheme, ":") && validScheme(scheme[:len(scheme)-1])) {
		return s
	}
	// The authority ends at the first "/", "?" or "#".
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return s
	}
	return scheme + "//REDACTED" + rest[at:]
}

// validScheme reports whether s is a URL scheme: a letter, then letters,
// digits, "+", "-" or ".".
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
