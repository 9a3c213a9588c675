package registry

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted text (registry metadata, lockfile names, forge
// text) safe to print on a terminal: C0 and C1 control characters, DEL,
// the Unicode bidirectional controls, invisible characters that can hide
// or reorder text (zero-width spaces, line and paragraph separators, the
// byte order mark) and bytes that are not UTF-8 (a lone 0x9B is CSI to an
// 8-bit terminal) are shown in visible escaped form (ESC becomes "^[",
// U+202E becomes "<U+202E>", the byte 0x9B becomes "\x9b") instead of
// being obeyed.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || (r == utf8.RuneError && size == 1) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == 0x7f:
			b.WriteString("^?")
		case r < 0x20:
			b.WriteByte('^')
			b.WriteRune(r + '@')
		case unsafeRune(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	// Bidirectional controls: embeddings, overrides, isolates, marks.
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	// Invisible: zero-width space, joiners, line and paragraph
	// separators, the byte order mark.
	case r >= 0x200b && r <= 0x200d, r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}
