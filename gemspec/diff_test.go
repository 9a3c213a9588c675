package gemspec

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{name: "equal", old: "a\nb\n", new: "a\nb\n", want: ""},
		{
			name: "insert in the middle",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n",
			new:  "1\n2\n3\n4\nX\n5\n6\n7\n8\n",
			want: "--- a\n+++ b\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+X\n 5\n 6\n 7\n",
		},
		{
			name: "change first line",
			old:  "a\nb\n",
			new:  "A\nb\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n",
		},
		{
			name: "from empty",
			old:  "",
			new:  "x\n",
			want: "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n",
		},
		{
			name: "to empty",
			old:  "x\ny\n",
			new:  "",
			want: "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n",
		},
		{
			name: "no newline at end",
			old:  "a\nb",
			new:  "a\nb\nc",
			want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n",
		},
		{
			name: "crlf kept",
			old:  "a\r\nb\r\n",
			new:  "a\r\nc\r\nb\r\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\r\n+c\r\n b\r\n",
		},
		{
			name: "two hunks",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			new:  "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
			want: "--- a\n+++ b\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -10,3 +11,4 @@\n 10\n 11\n 12\n+13\n",
		},
		{
			name: "close changes share a hunk",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n",
			new:  "1\nX\n3\n4\n5\n6\n7\nY\n",
			want: "--- a\n+++ b\n@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(UnifiedDiff("a", "b", []byte(tt.old), []byte(tt.new)))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// applyUnified applies a unified diff produced by UnifiedDiff to old, to
// check the diff describes the change exactly.
func applyUnified(old []byte, diff []byte) ([]byte, error) {
	a := splitLines(old)
	var out []string
	next := 0 // next line of a to copy
	sc := bufio.NewScanner(bytes.NewReader(diff))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text()+"\n")
	}
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "@@ -") {
			return nil, fmt.Errorf("line %d: want a hunk header, got %q", i+1, l)
		}
		r := strings.Fields(l)[1][1:]
		startS, _, _ := strings.Cut(r, ",")
		start, err := strconv.Atoi(startS)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(r, ",0") || strings.Contains(r, ",0") && !strings.HasSuffix(r, ",0") {
			start-- // 0-based index of the first line
		}
		for next < start {
			out = append(out, a[next])
			next++
		}
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "@@") {
			i++
			body := lines[i]
			noNL := i+1 < len(lines) && lines[i+1] == "\\ No newline at end of file\n"
			text := body[1:]
			if noNL {
				text = strings.TrimSuffix(text, "\n")
			}
			switch body[0] {
			case ' ', '-':
				if next >= len(a) || a[next] != text {
					return nil, fmt.Errorf("diff line %d: %q does not match old line %d", i+1, body, next+1)
				}
				if body[0] == ' ' {
					out = append(out, text)
				}
				next++
			case '+':
				out = append(out, text)
			default:
				return nil, fmt.Errorf("diff line %d: %q", i+1, body)
			}
			if noNL {
				i++
			}
		}
	}
	out = append(out, a[next:]...)
	return []byte(strings.Join(out, "")), nil
}

// TestUnifiedDiffRoundTrip applies random diffs back to the old text.
func TestUnifiedDiffRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gen := func() []byte {
		var b strings.Builder
		n := r.Intn(30)
		for i := 0; i < n; i++ {
			b.WriteString(string(rune('a' + r.Intn(4))))
			if i < n-1 || r.Intn(3) > 0 {
				b.WriteString("\n")
			}
		}
		return []byte(b.String())
	}
	for i := 0; i < 2000; i++ {
		old, new := gen(), gen()
		d := UnifiedDiff("a", "b", old, new)
		if bytes.Equal(old, new) {
			if d != nil {
				t.Fatalf("diff of equal texts: %q", d)
			}
			continue
		}
		got, err := applyUnified(old, d)
		if err != nil {
			t.Fatalf("old %q new %q: %v\n%s", old, new, err, d)
		}
		if !bytes.Equal(got, new) {
			t.Fatalf("old %q new %q: applying the diff gives %q\n%s", old, new, got, d)
		}
	}
}
