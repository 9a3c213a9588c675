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
func replace(path string, data []byte, perm *fs.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := createTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if perm != nil {
		if err = tmp.Chmod(*perm); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
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
