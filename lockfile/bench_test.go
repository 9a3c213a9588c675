package lockfile

import (
	"bytes"
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
