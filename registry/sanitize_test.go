package registry

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "rack 3.1.0", "rack 3.1.0"},
		{"unicode kept", "café ✓", "café ✓"},
		{"csi colour", "\x1b[31mred\x1b[0m", "^[[31mred^[[0m"},
		{"osc title", "\x1b]0;pwned\x07", "^[]0;pwned^G"},
		{"newline and cr", "a\r\nb", "a^M^Jb"},
		{"tab", "a\tb", "a^Ib"},
		{"del", "a\x7fb", "a^?b"},
		{"c1 csi", "a\u009b31mb", "a<U+009B>31mb"},
		{"bidi override", "abc\u202edef", "abc<U+202E>def"},
		{"arabic letter mark", "ab\u061ccd", "ab<U+061C>cd"},
		{"8-bit csi byte", "evil\x9b31mred", `evil\x9b31mred`},
		{"invalid utf-8", "a\xffb", `a\xffb`},
		{"line separator", "line\u2028sep", "line<U+2028>sep"},
		{"zero-width space", "zero\u200bwidth", "zero<U+200B>width"},
		{"byte order mark", "bom\ufeffhere", "bom<U+FEFF>here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
