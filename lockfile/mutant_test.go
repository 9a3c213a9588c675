package lockfile

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mutate applies one random line-level edit to a lockfile.
func mutate(r *rand.Rand, text string) string {
	lines := strings.Split(text, "\n")
	i := r.IntN(len(lines))
	junk := []string{"FOO", "  foo: bar", "    x (1.0)", "      y", "GEM ", "\tbar", "  specs:", "DEPENDENCIES",
		"PLATFORMS", "   z (2.0)", "  remote: https://example.com/", "    q (1.0-java)", "  w (1.0)!", "GIT", "PATH"}
	switch r.IntN(7) {
	case 0:
		lines = append(lines[:i], lines[i+1:]...)
	case 1:
		lines = append(lines[:i+1], lines[i:]...)
	case 2:
		if i+1 < len(lines) {
			lines[i], lines[i+1] = lines[i+1], lines[i]
		}
	case 3:
		lines[i] = []string{" ", "  ", "\t", ""}[r.IntN(4)] + lines[i]
	case 4:
		lines[i] = strings.TrimPrefix(lines[i], []string{" ", "  "}[r.IntN(2)])
	case 5:
		lines = append(lines[:i], append([]string{junk[r.IntN(len(junk))]}, lines[i:]...)...)
	case 6:
		if l := lines[i]; l != "" {
			j := r.IntN(len(l))
			lines[i] = l[:j] + string("()-! ,"[r.IntN(6)]) + l[j+1:]
		}
	}
	return strings.Join(lines, "\n")
}

// TestBundlerMutants edits corpus lockfiles at random, a few edits each, and
// checks that whenever Parse accepts the result, Bundler reads it the same
// way, except where Bundler 2.3 is known to differ from later Bundlers (see
// bundler23Differs). Where Parse refuses a file, TestBundlerErrorCases
// covers why.
func TestBundlerMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs Bundler on many files")
	}
	r := rand.New(rand.NewPCG(1, 2))
	files := corpusFiles(t)
	// Parse keeps platforms as written; Bundler rewrites them through
	// Gem::Platform, which turns what it does not know into "unknown". Only
	// platforms that real lockfiles use, which survive that, are compared.
	known := map[string]bool{"ruby": true}
	for _, f := range files {
		lf, err := ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range lf.Platforms {
			known[p] = true
		}
		for _, s := range lf.Specs {
			known[s.Platform] = true
		}
	}
	dir := t.TempDir()
	var inputs []string
	for k := range 300 {
		data, err := os.ReadFile(files[k%len(files)])
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for range 1 + r.IntN(3) {
			text = mutate(r, text)
		}
		inputs = append(inputs, text)
	}
	paths := writeCases(t, dir, inputs)
	dump := runBundler(t, false, paths...)
	compared := 0
	for k, in := range inputs {
		lf, err := Parse(strings.NewReader(in), "m.lock")
		if err != nil {
			continue
		}
		skip := false
		for line := range strings.Lines(in) {
			if l := strings.TrimRight(line, "\r\n"); l != "" && isBlank(l) {
				skip = true // Bundler 2.3 hands this line to its section, 2.5 and later skip it
			}
		}
		for _, p := range lf.Platforms {
			skip = skip || !known[p]
		}
		for _, s := range lf.Specs {
			skip = skip || !known[s.Platform]
		}
		for _, w := range lf.Warnings {
			if strings.Contains(w.Msg, "ignored, as Bundler does") && strings.Contains(w.Msg, "after") ||
				strings.Contains(w.Msg, "older ones misread it") {
				skip = true // Bundler 2.3 differs here, see bundler23Differs
			}
		}
		if skip {
			continue
		}
		compared++
		b := dump.Files[paths[k]].LF
		t.Run(filepath.Base(files[k%len(files)]), func(t *testing.T) {
			if b.Error != "" {
				t.Fatalf("mutant %d: Parse accepts it (warnings %v), Bundler raises %s", k, lf.Warnings, b.Error)
			}
			compareWithBundler(t, lf, &b, dump.RubyGems)
		})
	}
	t.Logf("compared %d of %d mutants", compared, len(inputs))
}
