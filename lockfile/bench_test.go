package lockfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses the largest corpus lockfile (rubygems.org's, 341
// specs, 59 KB).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "rubygems__rubygems.org__Gemfile.lock"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lf, err := Parse(bytes.NewReader(data), "Gemfile.lock")
		if err != nil || len(lf.Specs) != 341 {
			b.Fatalf("got %v", err)
		}
	}
}

// BenchmarkParseCorpus parses every corpus lockfile once per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	var files [][]byte
	for _, path := range corpusFiles(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if _, err := Parse(bytes.NewReader(data), "Gemfile.lock"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// lock600 builds a lockfile of 600 gems shaped like a large application's:
// every gem with two dependencies and a sha256 checksum, a quarter of them
// direct.
func lock600() []byte {
	var b bytes.Buffer
	b.WriteString("GEM\n  remote: https://rubygems.org/\n  specs:\n")
	for i := range 600 {
		fmt.Fprintf(&b, "    gem-number-%d (%d.%d.%d)\n", i, i%7, i%13, i%5)
		fmt.Fprintf(&b, "      gem-number-%d (>= 1.2, < 3)\n", (i*7+1)%600)
		fmt.Fprintf(&b, "      gem-number-%d (~> %d.0)\n", (i*13+5)%600, i%9)
	}
	b.WriteString("\nPLATFORMS\n  ruby\n  x86_64-linux\n\nDEPENDENCIES\n")
	for i := 0; i < 600; i += 4 {
		fmt.Fprintf(&b, "  gem-number-%d\n", i)
	}
	b.WriteString("\nCHECKSUMS\n")
	for i := range 600 {
		fmt.Fprintf(&b, "  gem-number-%d (%d.%d.%d) sha256=%064x\n", i, i%7, i%13, i%5, i*2654435761)
	}
	b.WriteString("\nBUNDLED WITH\n   2.6.9\n")
	return b.Bytes()
}

// BenchmarkParse600 parses a synthetic 600-gem lockfile.
func BenchmarkParse600(b *testing.B) {
	data := lock600()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lf, err := Parse(bytes.NewReader(data), "Gemfile.lock")
		if err != nil || len(lf.Specs) != 600 {
			b.Fatalf("got %v", err)
		}
	}
}
