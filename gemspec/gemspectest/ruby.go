// Package gemspectest loads gemspecs with real RubyGems, for the tests that
// hold mfaudit's gemspec edits against Ruby itself (the gemspec package's
// style fixtures, the files a campaign commits).
package gemspectest

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

//go:embed load_specs.rb
var loader []byte

// Spec is one specification as RubyGems loaded it.
type Spec struct {
	Name string `json:"name"`
	// Metadata holds, per key: the key, its class, the value, its class.
	Metadata [][]string `json:"metadata"`
}

// File is what loading one gemspec gave.
type File struct {
	Path   string `json:"path"`
	Loaded bool   `json:"loaded"`
	// Specs are every specification created while the file was
	// evaluated, in order.
	Specs []Spec `json:"specs"`
}

// Load loads each gemspec with Gem::Specification.load, all in one Ruby
// process, and returns the results by path. Without Ruby the test is
// skipped, loudly, except under CI (CI set), where it fails: .ci/run
// installs Ruby.
func Load(t testing.TB, paths []string) map[string]File {
	t.Helper()
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ruby is not installed, and CI is set: the RubyGems oracle must run in CI (.ci/run installs it)")
		}
		fmt.Fprintf(os.Stderr, "SKIP: ruby is not installed; %s did not load its gemspecs in RubyGems\n", t.Name())
		t.Skip("ruby is not installed")
	}
	script := filepath.Join(t.TempDir(), "load_specs.rb")
	if err := os.WriteFile(script, loader, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ruby, append([]string{script}, paths...)...)
	cmd.Env = append(os.Environ(), "RUBYOPT=", "BUNDLE_GEMFILE=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby: %v\n%s", err, stderr.String())
	}
	files := map[string]File{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var f File
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("ruby output %q: %v", sc.Text(), err)
		}
		files[f.Path] = f
	}
	if len(files) != len(paths) {
		t.Fatalf("ruby reported %d files, want %d\nstderr: %s", len(files), len(paths), stderr.String())
	}
	return files
}
