//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReplaceOutputMode checks that ReplaceOutput treats permissions like a shell
// redirection: a new report gets 0666 less the umask, an existing one keeps
// its mode, so a private report never becomes world-readable.
func TestReplaceOutputMode(t *testing.T) {
	tests := []struct {
		name     string
		umask    int
		existing fs.FileMode // 0: no file yet
		want     fs.FileMode
	}{
		{name: "new file, umask 022", umask: 0o022, want: 0o644},
		{name: "new file, umask 077", umask: 0o077, want: 0o600},
		{name: "existing private file", umask: 0o022, existing: 0o600, want: 0o600},
		{name: "existing group-writable file", umask: 0o022, existing: 0o664, want: 0o664},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "report.json")
			if tt.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			if err := ReplaceOutput(path, []byte("{}\n")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tt.want {
				t.Errorf("mode %v, want %v", got, tt.want)
			}
			if data, _ := os.ReadFile(path); string(data) != "{}\n" {
				t.Errorf("contents %q", data)
			}
		})
	}
}
