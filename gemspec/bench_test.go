package gemspec

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFix fixes every style fixture once per iteration.
func BenchmarkFix(b *testing.B) {
	dir := filepath.Join("testdata", "styles", "in")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var srcs [][]byte
	var names []string
	size := 0
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		names = append(names, e.Name())
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, src := range srcs {
			if _, err := Fix(src, names[k], FixOptions{All: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
