package lockfile

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestLowerHex checks lowerHex, which tests eight bytes at a time, against
// hexKind for every byte at every position of a word and of the tail.
func TestLowerHex(t *testing.T) {
	base := strings.Repeat("0123456789abcdef", 4)[:21]
	for pos := range len(base) {
		for c := range 256 {
			s := base[:pos] + string(rune(0)) + base[pos+1:]
			s = s[:pos] + string([]byte{byte(c)}) + s[pos+1:]
			if got, want := lowerHex(s), hexKind[byte(c)] == 0; got != want {
				t.Fatalf("lowerHex(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

// writtenSeeds are lines, after their indentation, around the shapes the
// fast paths take.
var writtenSeeds = []string{
	"rake (13.0.6)", "nokogiri (1.16.0-x86_64-linux)", "a (1.0-ruby)", "a (1.0-)", "a (1.0--x)", "a (1.0-x-)",
	"a (1.0) sha256=" + strings.Repeat("ab", 32), "a (1.0) sha256=" + strings.Repeat("AB", 32), "a (1.0) md5=1",
	"a (1.0)!", "a (1.0) ", "a (1..0)", "a (.1)", "a (1.0a)", "a (1a)", "a ( 1.0)", "a (1.0 )", "a  (1.0)",
	"rack", "rack!", "rack (>= 2.2.4)", "rack (>= 1.2, < 3)", "rack (~>  2.0,>=1)!", "rack (= 1.0)",
	"rack (!= 1.0)", "rack (== 1.0)", "rack (=> 1.0)", "rack (1.0, )", "rack ()", "rack (  )", "rack (~ 1)",
	"rack (>= 1.0)! x", "rack (>= 1.0-x)", "rack (>=\t1.0)", "rack (>= 1.0\t)", "ra ck (1.0)", "a! (1.0)",
}

// FuzzWrittenShapes checks that the fast paths for the shapes Bundler
// writes, writtenNameVersion and writtenDependency, read a line exactly as
// the general ones do whenever they take it.
func FuzzWrittenShapes(f *testing.F) {
	for _, s := range writtenSeeds {
		f.Add(s)
	}
	for _, path := range corpusFiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			line = strings.TrimRight(line, "\n")
			if n := leadingSpaces(line); n == 2 || n == 4 || n == 6 {
				f.Add(line[n:])
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\n\x00") {
			return
		}
		checkWrittenSpec(t, s)
		checkWrittenDependency(t, s)
	})
}

func TestWrittenShapesSeeds(t *testing.T) {
	for _, s := range writtenSeeds {
		checkWrittenSpec(t, s)
		checkWrittenDependency(t, s)
	}
}

// checkWrittenSpec compares writtenNameVersion with readSpec and, for the
// digest line it also takes, with readChecksum.
func checkWrittenSpec(t *testing.T, s string) {
	t.Helper()
	name, version, platform, end, ok := writtenNameVersion(s)
	if !ok {
		return
	}
	if m := matchNameVersion(s[:end]); m.name != name || m.hasToken || m.pinned {
		t.Fatalf("writtenNameVersion(%q) = %q, matchNameVersion %+v", s, name, m)
	}
	if end == len(s) {
		p := testParser()
		n, v, pl, key, err := p.readSpec(1, s)
		if err != nil || n != name || v != version || pl != platform || key != s || len(p.lf.Warnings) > 0 {
			t.Fatalf("spec %q: written %q %q %q, read %q %q %q key %q, %v", s, name, version, platform, n, v, pl, key, err)
		}
	}
	sum := s[end:]
	if end == len(s) || len(sum) == len(" sha256=")+64 && sum[:8] == " sha256=" && lowerHex(sum[8:]) {
		p := testParser()
		if err := p.readChecksum(1, s); err != nil || len(p.lf.Checksums) != 1 || len(p.lf.Warnings) > 0 {
			t.Fatalf("checksum %q: %v", s, err)
		}
		c := p.lf.Checksums[0]
		if c.Name != name || c.Version != version || c.Platform != platform ||
			(end == len(s)) != (c.Sums == nil) || c.Sums != nil && c.Sums[0] != sum[1:] {
			t.Fatalf("checksum %q: written %q %q %q, read %+v", s, name, version, platform, c)
		}
	}
}

// checkWrittenDependency compares writtenDependency with readDependency.
func checkWrittenDependency(t *testing.T, s string) {
	t.Helper()
	p := testParser()
	name, pinned, ok := p.writtenDependency(s)
	if !ok {
		if len(p.reqs) != 0 {
			t.Fatalf("writtenDependency(%q) refused it but kept requirements %q", s, p.reqs)
		}
		return
	}
	q := testParser()
	d, err := q.readDependency(1, s, "")
	if err != nil || d.Name != name || d.Pinned != pinned || !slices.Equal(d.Requirements, p.reqs) || len(q.lf.Warnings) > 0 {
		t.Fatalf("dependency %q: written %q %v %q, read %+v, %v", s, name, pinned, p.reqs, d, err)
	}
}

// testParser returns a parser as parse starts one.
func testParser() *parser {
	return &parser{lf: &Lockfile{}, curSpec: -1, sumsDeferred: true, names: makeNameTable(0), byKey: makeTable(0)}
}
