package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// cutReport has two lockfiles of n gems each: mostly unprotected, a tenth
// partial, one unknown.
func cutReport(n int) *Report {
	var lrs []LockfileReport
	for l := range 2 {
		lr := LockfileReport{Path: fmt.Sprintf("app%d/Gemfile.lock", l)}
		for i := range n {
			f := Finding{Name: fmt.Sprintf("gem-number-%04d", i), Version: "1.0.0", Platform: "ruby", Line: i + 4,
				Status: Unprotected, Reason: "latest release 1.0.0 does not set rubygems_mfa_required",
				LatestVersion: "1.0.0", Path: []string{"rails", fmt.Sprintf("gem-number-%04d", i)}}
			switch {
			case i == 7:
				f.Status, f.Reason = Unknown, "lookup failed: 503"
			case i%10 == 0:
				f.Status, f.Reason = Partial, "no rubygems_mfa_required flag, but 200,000,000 downloads"
			}
			lr.Gems = append(lr.Gems, f)
		}
		lrs = append(lrs, lr)
	}
	return New(lrs)
}

// TestMarkdownLimit: a report with more findings than a GitHub comment
// holds keeps the summary, the aggregate and the most severe rows within
// the limit, and says how many it left out; a small report is untouched.
func TestMarkdownLimit(t *testing.T) {
	r := cutReport(600)
	var full bytes.Buffer
	if err := Render(&full, "markdown", r, RenderOptions{MarkdownLimit: -1}); err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCount(full.Bytes()) <= DefaultMarkdownLimit {
		t.Fatalf("the uncut report has only %d characters; the test needs more", utf8.RuneCount(full.Bytes()))
	}
	for _, limit := range []int{0, 20000} {
		var b bytes.Buffer
		if err := Render(&b, "markdown", r, RenderOptions{MarkdownLimit: limit}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		want := limit
		if want == 0 {
			want = DefaultMarkdownLimit
		}
		if n := utf8.RuneCount(b.Bytes()); n > want || n < want*9/10 {
			t.Errorf("limit %d: %d characters, want at most the limit and close to it", want, n)
		}
		for _, must := range []string{"**Gate failed:**", summaryLine(r.Summary), "### Exposed gems across 2 lockfiles", "findings are not listed** to fit the"} {
			if !strings.Contains(out, must) {
				t.Errorf("limit %d: the cut report lacks %q", want, must)
			}
		}
		m := regexp.MustCompile(`\*\*(\d+) findings are not listed\*\*`).FindStringSubmatch(out)
		left, _ := strconv.Atoi(m[1])
		rows := strings.Count(out, "| **unprotected** |") + strings.Count(out, "| **unknown** |") + strings.Count(out, "| partial |")
		if rows+left != 2*600 {
			t.Errorf("limit %d: %d rows shown and %d left out, want %d in all", want, rows, left, 2*600)
		}
		// Most severe first: while unprotected gems are left out, no
		// less severe one (unknown, partial) is shown.
		if strings.Count(out, "| **unknown** |") != 0 || strings.Contains(out, "| partial |") || !strings.Contains(out, "| **unprotected** |") {
			t.Errorf("limit %d: the cut did not keep the most severe rows", want)
		}
	}
	// Streamed, the cut is the same (the stream lets go of the rows that
	// cannot be shown as they come).
	var streamed bytes.Buffer
	s, _ := NewStream(&streamed, "markdown", Gate{FailOn: DefaultFailOn}, RenderOptions{})
	for _, lr := range cutReport(600).Lockfiles {
		s.Add(&lr)
	}
	s.Close(nil, nil)
	var whole bytes.Buffer
	Render(&whole, "markdown", r, RenderOptions{})
	if streamed.String() != whole.String() {
		t.Error("the streamed Markdown differs from the rendered one")
	}
	// Small: nothing left out.
	var small bytes.Buffer
	Render(&small, "markdown", cutReport(20), RenderOptions{})
	if strings.Contains(small.String(), "not listed**") {
		t.Error("a small report was cut")
	}
}
