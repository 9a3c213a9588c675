package registry

import (
	"context"
	"errors"
	"fmt"
)

// docReader reads one API document (kind "versions", "gems" or "owners")
// for name and hands its body to parse; requests counts what it sent.
type docReader func(ctx context.Context, kind, name string, requests *int, parse func([]byte) error) error

// fetchGem looks one valid gem name up through API documents: its versions
// list, and its gem document only when the exact total can change the
// verdict, or, with local set (a directory, where reading costs no
// request), whenever it exists, so that a mirror recorded from a source
// that knows every total keeps them.
func fetchGem(ctx context.Context, document docReader, name string, local bool) (*Gem, error) {
	g := &Gem{Name: name}
	var vs []Version
	err := document(ctx, kindVersions, name, &g.Requests, func(body []byte) error {
		var err error
		vs, err = parseVersions(body)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: gem %q: %w", name, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("registry: gem %q: %w (no version listed)", name, ErrNotFound)
	}
	g.setVersions(vs)
	needed := needsExactDownloads(g)
	if !needed && !local {
		return g, nil
	}
	var total int64
	err = document(ctx, kindGem, name, &g.Requests, func(body []byte) error {
		var err error
		total, err = parseDownloads(body)
		return err
	})
	if !needed && (errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotMirrored)) {
		return g, nil // not needed, and not there
	}
	if errors.Is(err, ErrNotFound) {
		// The gem exists (its versions are listed): a missing gem document
		// leaves the popular-gem policy unsettled, it does not make the gem
		// unknown to the registry.
		return nil, fmt.Errorf("registry: gem %q: total downloads: %w", name, ErrNoTotal)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: gem %q: total downloads: %w", name, err)
	}
	g.Downloads, g.DownloadsExact = total, true
	return g, nil
}

// fetchLinks reads a gem's links from its gem document.
func fetchLinks(ctx context.Context, document docReader, name string) (Links, error) {
	var links Links
	requests := 0
	err := document(ctx, kindGem, name, &requests, func(body []byte) error {
		var err error
		links, err = parseLinks(body)
		return err
	})
	if err != nil {
		return Links{}, fmt.Errorf("registry: gem %q: links: %w", name, err)
	}
	return links, nil
}
