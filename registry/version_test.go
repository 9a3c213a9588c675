package registry

import (
	"strconv"
	"strings"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	// Each pair is strictly ascending per Gem::Version#<=>; the cases follow
	// RubyGems' own test_version.rb and the orderings mfaudit relies on.
	ascending := [][2]string{
		{"1.0.0.rc1", "1.0.0"},
		{"1.0.0", "1.0.0.1"},
		{"1.0.0.1", "1.10"},
		{"1.9", "1.10"},
		{"1.2", "1.10"},
		{"0.9.9", "1.0"},
		{"1.0.a", "1.0.b"},
		{"1.0.a", "1.0"},
		{"1.0.a.1", "1.0.a.2"},
		{"1.0.a", "1.0.a.1"},
		{"1.0.alpha", "1.0.beta"},
		{"1.0.beta", "1.0.rc"},
		{"1.0.pre", "1.0.rc"},
		{"2.0.0.beta1", "2.0.0.beta2"},
		{"2.0.0.beta9", "2.0.0.beta10"},
		{"2.0.0.rc", "2.0.0"},
		{"5.a", "5.0.0.rc2"},
		{"1.0-beta", "1.0"}, // "-" reads as ".pre."
		{"1.0.B", "1.0.a"},  // letters compare byte-wise
		{"9", "10"},
		{"99999999999999999999", "100000000000000000000"},
		{"1.0.0", "1.0.0.0.1"},
		{"0.0.1", "0.1"},
		{"", "0.0.1"},
		{"3.2.0.rc1", "3.2.0"},
		{"8.0.0.beta1", "8.0.0"},
		{"8.0.0", "8.0.1"},
		{"1.16.0", "1.16.0.1"},
	}
	for _, p := range ascending {
		t.Run(p[0]+"<"+p[1], func(t *testing.T) {
			if got := CompareVersions(p[0], p[1]); got != -1 {
				t.Errorf("CompareVersions(%q, %q) = %d, want -1", p[0], p[1], got)
			}
			if got := CompareVersions(p[1], p[0]); got != 1 {
				t.Errorf("CompareVersions(%q, %q) = %d, want 1", p[1], p[0], got)
			}
		})
	}
	equal := [][2]string{
		{"1.0", "1"},
		{"1.0", "1.0.0"},
		{"1.0.0", "1.0.00"},
		{"01.2", "1.2"},
		{"1.0.a", "1.0.0.a"},
		{"1.0.a.0", "1.0.a"},
		{" 1.0 ", "1.0"},
		{"0", ""},
	}
	for _, p := range equal {
		t.Run(p[0]+"="+p[1], func(t *testing.T) {
			if got := CompareVersions(p[0], p[1]); got != 0 {
				t.Errorf("CompareVersions(%q, %q) = %d, want 0", p[0], p[1], got)
			}
		})
	}
}

func TestIsPrerelease(t *testing.T) {
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"release", "1.0.0", false},
		{"rc", "1.0.0.rc1", true},
		// RubyGems reads "-" as ".pre.": Gem::Version.new("1.0-1") is
		// "1.0.pre.1", a prerelease.
		{"dash", "1.0-1", true},
		{"dash letter", "1.0-beta", true},
		{"upper", "2.0.0.BETA", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPrerelease(tt.v); got != tt.want {
				t.Errorf("IsPrerelease(%q) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

// TestCompareVersionsAgainstRubyGems replays every pair of a set of
// tricky versions as RubyGems itself ordered them (testdata/ORIGIN.md).
func TestCompareVersionsAgainstRubyGems(t *testing.T) {
	data := fixture(t, "gem-version-cmp.txt")
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("line %d: malformed %q", i+1, line)
		}
		want, err := strconv.Atoi(f[2])
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if got := CompareVersions(f[0], f[1]); got != want {
			t.Errorf("line %d: CompareVersions(%q, %q) = %d, RubyGems says %d", i+1, f[0], f[1], got, want)
		}
		n++
	}
	if n < 1000 {
		t.Errorf("only %d pairs checked", n)
	}
}
