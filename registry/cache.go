package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// cacheFormat names the layout of the cache directory; bump it when the
// entry format changes so old entries are simply not found.
const cacheFormat = "registry-v1"

// diskCache stores API answers as one JSON file each. Files are replaced
// atomically (temp file + rename in the same directory), so concurrent runs
// sharing a directory see either the old or the new entry, never a mix.
type diskCache struct {
	dir string
}

// cacheKey names one cached document.
type cacheKey struct {
	kind, name string
	url        string // the full URL; hashed into the file name
	shown      string // the URL with any credentials redacted; stored
}

// cacheEntry is one cached answer.
type cacheEntry struct {
	URL          string    `json:"url"`
	Status       int       `json:"status"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Stored       time.Time `json:"stored"`
	Body         []byte    `json:"body,omitempty"`
}

// path returns the entry's file: readable by name, and unique per URL (so
// per base URL, and per letter case on case-insensitive file systems).
func (d *diskCache) path(k cacheKey) string {
	sum := sha256.Sum256([]byte(k.url))
	return filepath.Join(d.dir, cacheFormat, k.kind, k.name+"-"+hex.EncodeToString(sum[:8])+".json")
}

// load returns the entry, or nil when there is none or it is unreadable.
func (d *diskCache) load(k cacheKey) *cacheEntry {
	f, err := os.Open(d.path(k))
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 2*DefaultMaxBodyBytes))
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.URL != k.shown || e.Stored.IsZero() {
		return nil
	}
	if e.Status != http.StatusOK && e.Status != http.StatusNotFound {
		return nil
	}
	return &e
}

// store writes the entry atomically.
func (d *diskCache) store(k cacheKey, e *cacheEntry) (err error) {
	path := d.path(k)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// remove deletes the entry; one that cannot be removed is overwritten later.
func (d *diskCache) remove(k cacheKey) {
	_ = os.Remove(d.path(k))
}
