package report

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// bigReport is one lockfile of n gems in shuffled order, with every
// status, platform variants, long reasons and some allowlisted gems, as a
// large Rails application would produce.
func bigReport(n int) *Report {
	rng := rand.New(rand.NewPCG(1, 2))
	statuses := Statuses()
	gems := make([]Finding, n)
	for i := range gems {
		f := Finding{
			Name:     fmt.Sprintf("gem-%03d", i),
			Version:  fmt.Sprintf("%d.%d.%d", rng.IntN(10), rng.IntN(20), rng.IntN(30)),
			Platform: "ruby",
			Source:   rubygemsOrg,
			Line:     i + 5,
			Status:   statuses[rng.IntN(len(statuses))],
			Reason: "latest release does not set rubygems_mfa_required and has " +
				strings.Repeat("a rather long explanation ", 1+rng.IntN(4)),
			LatestVersion: "9.9.9",
			Path:          []string{"rails", "railties", fmt.Sprintf("gem-%03d", i)},
		}
		if i%7 == 0 {
			f.Platform = "x86_64-linux"
		}
		if f.Status == Unprotected && i%5 == 0 {
			f.Allowlisted = true
			f.AllowlistReason = "accepted risk"
		}
		gems[i] = f
	}
	rng.Shuffle(len(gems), func(i, j int) { gems[i], gems[j] = gems[j], gems[i] })
	r := &Report{Lockfiles: []LockfileReport{{Path: "Gemfile.lock", Gems: gems}}}
	r.ApplyGate([]Status{Unprotected, Unknown})
	return r
}

var tableRow = regexp.MustCompile(`^(unprotected|unknown|partial|not_covered|protected)\s{2,}(\S+)\s`)

// TestTable600 renders 600 gems and checks what makes the table readable:
// one line per gem, sorted by severity then name, no control characters,
// and a summary line with the right counts.
func TestTable600(t *testing.T) {
	r := bigReport(600)
	for _, width := range []int{0, 120} {
		t.Run(fmt.Sprintf("width %d", width), func(t *testing.T) {
			out := renderString(t, "table", r, RenderOptions{Width: width})
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			var rows [][]string
			for i, line := range lines {
				if c := controlIn(line); c != "" {
					t.Fatalf("line %d carries %s", i+1, c)
				}
				if width > 0 && twwidth.Width(line) > width {
					t.Errorf("line %d is %d columns wide, want at most %d: %q", i+1, twwidth.Width(line), width, line)
				}
				if m := tableRow.FindStringSubmatch(line); m != nil {
					rows = append(rows, m[1:])
				}
			}
			if len(rows) != 600 {
				t.Fatalf("%d table rows, want 600 (one line per gem)", len(rows))
			}
			for i := 1; i < len(rows); i++ {
				a, b := rows[i-1], rows[i]
				sa, sb := Status(a[0]).Severity(), Status(b[0]).Severity()
				if sa > sb || (sa == sb && a[1] > b[1]) {
					t.Errorf("row %d (%s %s) sorts after row %d (%s %s)", i, a[0], a[1], i+1, b[0], b[1])
				}
			}
			counts := map[Status]int{}
			allowlisted := 0
			for _, f := range r.Lockfiles[0].Gems {
				counts[f.Status]++
				if f.Allowlisted {
					allowlisted++
				}
			}
			summary := fmt.Sprintf("600 gems: %d unprotected, %d unknown, %d partial, %d not covered, %d protected (%d allowlisted)",
				counts[Unprotected], counts[Unknown], counts[Partial], counts[NotCovered], counts[Protected], allowlisted)
			if !strings.Contains(out, "\n"+summary+"\n") {
				t.Errorf("summary line %q missing; tail:\n%s", summary, strings.Join(lines[len(lines)-3:], "\n"))
			}
			if !strings.HasPrefix(lines[len(lines)-1], "gate: failed: ") {
				t.Errorf("last line %q is not the gate's outcome", lines[len(lines)-1])
			}
		})
	}
}

func TestTableFitWidth(t *testing.T) {
	r := renderSample()
	for _, width := range []int{60, 80, 100, 140} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			out := renderString(t, "table", r, RenderOptions{Width: width})
			for _, line := range strings.Split(out, "\n") {
				if !tableRow.MatchString(line) && !strings.HasPrefix(line, "STATUS") {
					continue
				}
				// Status, name and version are never cut; below about 70
				// columns the row may overflow rather than lose them.
				if w := twwidth.Width(line); w > max(width, 70) {
					t.Errorf("%d columns wide at width %d: %q", w, width, line)
				}
			}
			rows := 0
			for _, line := range strings.Split(out, "\n") {
				if tableRow.MatchString(line) {
					rows++
				}
			}
			if rows != 15 {
				t.Errorf("%d rows, want 15", rows)
			}
			for _, gem := range []string{"1.15.4-x86_64-linux", "private_gem", "not_covered"} {
				if !strings.Contains(out, gem) {
					t.Errorf("width %d lost %q", width, gem)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		s     string
		width int
		want  string
	}{
		{name: "fits", s: "abc", width: 3, want: "abc"},
		{name: "cut", s: "abcdef", width: 4, want: "abc…"},
		{name: "wide runes", s: "日本語テキスト", width: 5, want: "日本…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.s, tt.width)
			if got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
			}
			if twwidth.Width(got) > tt.width {
				t.Errorf("truncate(%q, %d) is %d columns wide", tt.s, tt.width, twwidth.Width(got))
			}
		})
	}
}

func BenchmarkRenderTable600(b *testing.B) {
	r := bigReport(600)
	for _, width := range []int{0, 120} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, "table", r, RenderOptions{Width: width, Color: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

func BenchmarkRenderFormats600(b *testing.B) {
	r := bigReport(600)
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, format, r, RenderOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
