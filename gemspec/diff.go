package gemspec

import (
	"bytes"
	"fmt"
)

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

type diffKind byte

const (
	diffEqual  diffKind = ' '
	diffDelete diffKind = '-'
	diffInsert diffKind = '+'
)

// diffOp is one line of an edit script: a line of old (ai), of new (bi),
// or both.
type diffOp struct {
	kind   diffKind
	ai, bi int
}

// UnifiedDiff returns the unified diff (three lines of context, as
// `diff -u` and `git diff` print it) that turns old into new, with the
// given file labels. It returns nil when the two are equal. A last line
// without a newline is marked "\ No newline at end of file".
func UnifiedDiff(oldLabel, newLabel string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	a, b := splitLines(old), splitLines(new)
	ops := myers(a, b)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldLabel, newLabel)
	for i := 0; i < len(ops); {
		if ops[i].kind == diffEqual {
			i++
			continue
		}
		// A hunk runs from diffContext lines before this change to
		// diffContext lines after the last change closer than
		// 2*diffContext equal lines to the previous one.
		start := i - diffContext
		if start < 0 {
			start = 0
		}
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != diffEqual {
				end = j + 1
				continue
			}
			if j-end >= 2*diffContext {
				break
			}
		}
		stop := end + diffContext
		if stop > len(ops) {
			stop = len(ops)
		}
		writeHunk(&out, ops[start:stop], a, b)
		i = stop
	}
	return out.Bytes()
}

func writeHunk(out *bytes.Buffer, ops []diffOp, a, b []string) {
	aStart, bStart, aLen, bLen := -1, -1, 0, 0
	for _, op := range ops {
		if op.kind != diffInsert {
			if aStart < 0 {
				aStart = op.ai
			}
			aLen++
		}
		if op.kind != diffDelete {
			if bStart < 0 {
				bStart = op.bi
			}
			bLen++
		}
	}
	// With no line on one side, the range names the line before.
	if aStart < 0 {
		aStart = ops[0].ai - 1
	}
	if bStart < 0 {
		bStart = ops[0].bi - 1
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, op := range ops {
		var line string
		if op.kind == diffInsert {
			line = b[op.bi]
		} else {
			line = a[op.ai]
		}
		out.WriteByte(byte(op.kind))
		out.WriteString(line)
		if len(line) == 0 || line[len(line)-1] != '\n' {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a 0-based start and a length as "l,s" with a 1-based
// start ("l" alone when s is 1).
func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	if n == 0 {
		return fmt.Sprintf("%d,0", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// myers returns a shortest edit script from a to b (Myers' O(ND)
// algorithm). For every op, ai and bi are the positions in a and b
// reached so far, so that inserts carry the index of the following line
// of a and deletes that of the following line of b.
func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	max := n + m
	off := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int // trace[d] is v[off-d-1 : off+d+2] before round d
	var d int
	for d = 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		done := false
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				done = true
				break
			}
		}
		if done {
			break
		}
	}
	var rev []diffOp
	x, y := n, m
	for ; d >= 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d+1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, diffOp{kind: diffEqual, ai: x, bi: y})
		}
		if d > 0 {
			if x == px {
				y--
				rev = append(rev, diffOp{kind: diffInsert, ai: x, bi: y})
			} else {
				x--
				rev = append(rev, diffOp{kind: diffDelete, ai: x, bi: y})
			}
		}
		x, y = px, py
	}
	ops := make([]diffOp, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}
