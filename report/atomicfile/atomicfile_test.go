package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReplace checks that the new contents replace the old ones and that no
// temporary file is left behind, whether the write succeeds or fails.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old contents, longer than the new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Replace(path, []byte("new"), 0o640); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "new" {
		t.Fatalf("contents %q, %v; want %q", data, err, "new")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	// A directory in the way of the rename: the write fails and the
	// temporary file is removed.
	blocked := filepath.Join(dir, "blocked")
	if err := os.Mkdir(blocked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blocked, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Replace(blocked, []byte("x"), 0o644); err == nil {
		t.Error("replacing a non-empty directory succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only state.json and blocked", names)
	}
	if err := Replace(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// TestCreateOutput: a streamed file appears only on Commit; Abort leaves
// the old one.
func TestCreateOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Fatalf("before Commit the file holds %q", data)
	}
	f.Abort()
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Fatalf("after Abort the file holds %q", data)
	}
	f, err = CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new "))
	f.Write([]byte("report"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "new report" {
		t.Errorf("after Commit the file holds %q", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the old file's 0640", fi.Mode().Perm())
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the report", len(entries))
	}
}
