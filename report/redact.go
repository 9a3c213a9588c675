package report

import (
	"strings"

	"github.com/mfaudit/mfaudit/lockfile"
)

// redactText removes URL credentials anywhere in free text, such as an
// error message that quotes a request URL: every word holding "://" is
// passed, from its scheme on, through lockfile.RedactURL.
func redactText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, "://")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		// The scheme starts after the last character no scheme may hold.
		start := strings.LastIndexFunc(rest[:i], func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
		}) + 1
		// The URL ends at white space or a quote.
		end := strings.IndexAny(rest[i:], " \t\n\"'<>`")
		if end < 0 {
			end = len(rest)
		} else {
			end += i
		}
		b.WriteString(rest[:start])
		b.WriteString(lockfile.RedactURL(rest[start:end]))
		rest = rest[end:]
	}
}
