// Package atomicfile replaces files so that a reader, or a crash, never
// sees half of one: the data goes to a temporary file in the same
// directory, is synced, and is renamed over the target. mfaudit writes
// reports, gemspec edits and campaign state files this way.
package atomicfile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Replace writes data to path atomically and gives the file mode perm.
func Replace(path string, data []byte, perm fs.FileMode) error {
	return replace(path, data, &perm)
}

// ReplaceOutput is Replace for a file the user names, which may not exist
// yet: an existing regular file keeps its mode, and a new one gets 0666
// less the umask, as a shell redirection would create it.
func ReplaceOutput(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return Replace(path, data, fi.Mode().Perm())
	}
	return replace(path, data, nil)
}

// replace writes data atomically; a nil perm leaves the temporary file's
// mode to the umask.
func replace(path string, data []byte, perm *fs.FileMode) error {
	f, err := create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// File is a file being written in place of another: written to a
// temporary file beside it, it replaces the target only on Commit.
type File struct {
	tmp  *os.File
	path string
	perm *fs.FileMode
	done bool
}

// CreateOutput starts replacing the file the user names at path, as
// ReplaceOutput does, for output too large to hold in memory: write to
// the File, then Commit; Abort (or a failed Commit) leaves path untouched.
func CreateOutput(path string) (*File, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		perm := fi.Mode().Perm()
		return create(path, &perm)
	}
	return create(path, nil)
}

func create(path string, perm *fs.FileMode) (*File, error) {
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return nil, err
	}
	return &File{tmp: tmp, path: path, perm: perm}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.tmp.Write(p) }

// Commit syncs the temporary file and renames it over the target.
func (f *File) Commit() (err error) {
	if f.done {
		return errors.New("atomicfile: " + f.path + ": already committed or aborted")
	}
	f.done = true
	defer func() {
		if err != nil {
			f.tmp.Close()
			os.Remove(f.tmp.Name())
		}
	}()
	if err = f.tmp.Sync(); err != nil {
		return err
	}
	if f.perm != nil {
		if err = f.tmp.Chmod(*f.perm); err != nil {
			return err
		}
	}
	if err = f.tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.tmp.Name(), f.path); err != nil {
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort removes the temporary file; the target is left as it was.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// syncDir makes a rename in dir durable where the system allows it; a
// failure only weakens durability after a power loss, never atomicity.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// createTemp creates a new file named prefix plus a random suffix in dir
// with mode 0666 less the umask (os.CreateTemp would force 0600).
func createTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}
