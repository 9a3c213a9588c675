package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mfaudit/mfaudit/report"
)

// sgr matches the colour sequences the table may use on a terminal.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestAuditTable600 renders a 600-gem audit on a simulated 100-column
// terminal and checks that it stays readable: one line per gem, within
// the width, sorted by severity then name, with a summary line.
func TestAuditTable600(t *testing.T) {
	const n, width = 600, 100
	statuses := []report.Status{report.Protected, report.Partial, report.Unprotected, report.Unknown}
	gems := map[string]*fakeGem{}
	want := map[report.Status]int{}
	var specs []string
	for i := 0; i < n; i++ {
		// Scatter names so that lockfile order is not the expected order.
		name := fmt.Sprintf("gem-%03d", (i*389)%n)
		specs = append(specs, fmt.Sprintf("    %s (1.%d.0)\n", name, i%7))
		st := statuses[i%len(statuses)]
		want[st]++
		build := fakeBuild{Number: fmt.Sprintf("1.%d.0", i%7), Platform: "ruby", Downloads: 10,
			Metadata: map[string]string{"source_code_uri": "https://github.com/example/" + name + "-with-a-rather-long-repository-name"}}
		switch st {
		case report.Protected:
			build.Metadata["rubygems_mfa_required"] = "true"
		case report.Partial:
			build.Downloads = 500_000_000
		case report.Unknown:
			continue
		}
		gems[name] = &fakeGem{Builds: []fakeBuild{build}}
	}
	// Sorted lockfile specs, as Bundler writes them; the scatter above only
	// decides which verdict each gets.
	lock := "GEM\n  remote: https://rubygems.org/\n  specs:\n" + strings.Join(slices.Sorted(slices.Values(specs)), "") + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n"
	for i := 0; i < n; i += 3 {
		lock += fmt.Sprintf("  gem-%03d\n", i)
	}
	path := filepath.Join(t.TempDir(), "Gemfile.lock")
	if err := os.WriteFile(path, []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	fr := newFakeRegistry(t, gems)

	stdout, stderr, code := runCLI(t, terminal{stdoutTTY: true, width: width},
		"audit", "--no-cache", "--rate", "100000", "--concurrency", "16", "--registry-url", fr.URL(), path)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	plain := sgr.ReplaceAllString(stdout, "")
	if strings.ContainsAny(plain, "\x1b\r") {
		t.Error("the table holds control characters besides colour")
	}
	if plain == stdout {
		t.Error("no colour on a terminal")
	}
	lines := strings.Split(strings.TrimRight(plain, "\n"), "\n")
	for i, l := range lines {
		if w := utf8.RuneCountInString(l); w > width {
			t.Errorf("line %d is %d columns wide, over %d: %q", i+1, w, width, l)
		}
	}

	// The rows: from the header to the first blank line.
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "STATUS") {
			start = i + 1
			break
		}
	}
	if start < 0 {
		t.Fatalf("no header line in:\n%s", plain)
	}
	var rows [][]string
	for _, l := range lines[start:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		rows = append(rows, strings.Fields(l))
	}
	if len(rows) != n {
		t.Fatalf("%d rows, want %d (one per gem, none wrapped)", len(rows), n)
	}
	got := map[report.Status]int{}
	for i, r := range rows {
		st := report.Status(r[0])
		got[st]++
		if i == 0 {
			continue
		}
		prev := rows[i-1]
		ps := report.Status(prev[0])
		switch {
		case ps.Severity() > st.Severity():
			t.Errorf("row %d (%s %s) comes after the less severe %s %s", i+1, st, r[1], ps, prev[1])
		case ps == st && prev[1] > r[1]:
			t.Errorf("row %d: %s sorts before %s within %s", i+1, r[1], prev[1], st)
		}
	}
	for _, st := range statuses {
		if got[st] != want[st] {
			t.Errorf("%d %s rows, want %d", got[st], st, want[st])
		}
	}

	// The summary line counts every verdict.
	var summary string
	for _, l := range lines {
		if strings.HasPrefix(l, strconv.Itoa(n)+" gems:") {
			summary = l
		}
	}
	if summary == "" {
		t.Fatalf("no summary line starting %q", strconv.Itoa(n)+" gems:")
	}
	for _, st := range statuses {
		word := strings.ReplaceAll(string(st), "_", " ")
		if !strings.Contains(summary, fmt.Sprintf("%d %s", want[st], word)) {
			t.Errorf("summary %q lacks %d %s", summary, want[st], word)
		}
	}
}
