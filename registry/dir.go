package registry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dirSource reads a directory laid out like the API (file://DIR), such as
// a mirror mfaudit mirror wrote: no network, no cache, no rate limit.
type dirSource struct {
	opts   *Options
	dir    string
	mirror *mirrorState // nil without a manifest
}

// newDirSource checks a file:// base: a missing or misplaced directory
// would make every gem "not found", so it is an error instead.
func newDirSource(opts *Options) (*dirSource, error) {
	dir := strings.TrimPrefix(opts.BaseURL, "file://")
	if dir == "" {
		return nil, fmt.Errorf("registry: base URL %q: no directory", opts.BaseURL)
	}
	c := &dirSource{opts: opts, dir: filepath.FromSlash(dir)}
	fi, err := os.Stat(c.dir)
	if err != nil {
		return nil, fmt.Errorf("registry: base URL %q: %w", opts.BaseURL, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("registry: base URL %q: not a directory", opts.BaseURL)
	}
	if fi, err := os.Stat(filepath.Join(c.dir, "api", "v1", "versions")); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("registry: base URL %q: no api/v1/versions directory in it", opts.BaseURL)
	}
	m, err := ReadManifest(c.dir)
	if err != nil {
		return nil, err
	}
	if m != nil {
		c.mirror = newMirrorState(m)
	}
	return c, nil
}

// document reads one document of the directory.
func (c *dirSource) document(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error {
	body, err := c.readFile(kind, name)
	if err != nil {
		return err
	}
	if c.mirror != nil {
		c.mirror.read(name)
	}
	return parse(body)
}

func (c *dirSource) gem(ctx context.Context, name string) (*Gem, error) {
	return fetchGem(ctx, c.document, name, true)
}

func (c *dirSource) links(ctx context.Context, name string) (Links, error) {
	return fetchLinks(ctx, c.document, name)
}

func (c *dirSource) ownerGems(ctx context.Context, handle string) ([]string, error) {
	return fetchOwnerGems(ctx, c.document, handle)
}

func (c *dirSource) stats() Stats { return Stats{} }

func (c *dirSource) close() {}

// readFile reads one document of a file:// base.
func (c *dirSource) readFile(kind, name string) ([]byte, error) {
	path := filepath.Join(c.dir, "api", "v1", kind, name+".json")
	if kind == kindOwner {
		path = filepath.Join(c.dir, "api", "v1", "owners", name, "gems.json")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if kind == kindOwner {
			return nil, fmt.Errorf("%w (no file %s)", ErrNotFound, path)
		}
		if c.mirror != nil && !c.mirror.absent[name] {
			return nil, &NotMirroredError{Path: path, Taken: c.mirror.m.Taken}
		}
		return nil, fmt.Errorf("%w (no file %s)", ErrNotFound, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	body, err := readLimited(f, c.opts.MaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return body, nil
}
