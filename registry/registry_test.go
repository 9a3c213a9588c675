package registry

import (
	"errors"
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"plain", "rack", true},
		{"dash", "dry-struct", true},
		{"underscore", "wiktionary_api", true},
		{"dot", "net.http", true},
		{"capitals", "RedCloth", true},
		{"digits", "ruby2_keywords", true},
		{"legacy leading underscore", "_foo", true},
		{"legacy digits only", "42", true},
		{"empty", "", false},
		{"dot only", ".", false},
		{"dot dot", "..", false},
		{"punctuation only", "-_.", false},
		{"slash", "a/b", false},
		{"backslash", `a\b`, false},
		{"space", "a b", false},
		{"percent", "a%2e", false},
		{"unicode", "rаck", false}, // Cyrillic а
		{"escape", "\x1b[31m", false},
		{"too long", strings.Repeat("a", 201), false},
		{"long enough", strings.Repeat("a", 200), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidName(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidName(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidName) {
				t.Errorf("error %v does not wrap ErrInvalidName", err)
			}
		})
	}
}

func TestPopular(t *testing.T) {
	tests := []struct {
		name string
		g    Gem
		want bool
	}{
		{"listed at threshold", Gem{ListedDownloads: PopularThreshold}, false},
		{"listed over", Gem{ListedDownloads: PopularThreshold + 1}, true},
		{"exact at threshold", Gem{ListedDownloads: 1, Downloads: PopularThreshold, DownloadsExact: true}, false},
		{"exact over", Gem{ListedDownloads: 1, Downloads: PopularThreshold + 1, DownloadsExact: true}, true},
		{"inexact total is not proof", Gem{ListedDownloads: 1, Downloads: PopularThreshold + 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.Popular(); got != tt.want {
				t.Errorf("Popular() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSourceCodeURI(t *testing.T) {
	tests := []struct {
		name string
		meta map[string]string
		want string
	}{
		{"source code uri", map[string]string{"source_code_uri": "https://git.example/x", "homepage_uri": "https://github.com/a/b"}, "https://git.example/x"},
		{"github homepage", map[string]string{"homepage_uri": "https://github.com/a/b"}, "https://github.com/a/b"},
		{"www github homepage", map[string]string{"homepage_uri": "https://www.github.com/a/b"}, "https://www.github.com/a/b"},
		{"gitlab homepage", map[string]string{"homepage_uri": "https://gitlab.com/g/p"}, "https://gitlab.com/g/p"},
		{"other homepage", map[string]string{"homepage_uri": "https://rubyonrails.org"}, ""},
		{"github pages is not a repository", map[string]string{"homepage_uri": "https://ruby.github.io/json"}, ""},
		{"bare github", map[string]string{"homepage_uri": "https://github.com/"}, ""},
		{"lookalike host", map[string]string{"homepage_uri": "https://github.com.evil.example/a/b"}, ""},
		{"no metadata", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Gem{Latest: &Version{Number: "1.0", Platform: "ruby", Metadata: tt.meta}}
			if got := g.SourceCodeURI(); got != tt.want {
				t.Errorf("SourceCodeURI() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := (&Gem{}).SourceCodeURI(); got != "" {
		t.Errorf("no latest: %q", got)
	}
}

func TestMFARequiredWithoutLatest(t *testing.T) {
	g := Gem{Versions: []Version{{Number: "1.0.rc1", Prerelease: true, Metadata: map[string]string{"rubygems_mfa_required": "true"}}}}
	if g.MFARequired() {
		t.Error("a prerelease-only gem must not count as protected")
	}
}
