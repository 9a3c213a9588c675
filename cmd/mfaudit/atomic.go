package main

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// replaceFile writes data to path through a temporary file in the same
// directory, synced, given perm and renamed over path, so that a reader
// (or a crash) never sees half a file.
func replaceFile(path string, data []byte, perm fs.FileMode) error {
	return replace(path, data, &perm)
}

// replaceOutput is replaceFile for a file the user names, which may not
// exist yet: an existing file keeps its mode, and a new one gets 0666 less
// the umask, as a shell redirection would create it.
func replaceOutput(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return replaceFile(path, data, fi.Mode().Perm())
	}
	return replace(path, data, nil)
}

// replace writes data atomically; a nil perm leaves the temporary file's
// mode to the umask.
func replace(path string, data []byte, perm *fs.FileMode) (err error) {
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
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
	return os.Rename(tmp.Name(), path)
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
