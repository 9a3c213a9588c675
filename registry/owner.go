package registry

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// ErrUnknownOwner is returned (wrapped) when RubyGems.org has no user of
// the handle (the API answers 404).
var ErrUnknownOwner = errors.New("no such owner on the registry")

// ErrInvalidHandle is returned for a handle RubyGems.org would never
// accept; it never reaches a URL.
var ErrInvalidHandle = errors.New("invalid owner handle")

// ValidHandle checks a RubyGems.org handle: a letter, then letters, digits,
// "_" and "-", 2 to 40 characters in all.
func ValidHandle(h string) error {
	if len(h) < 2 || len(h) > 40 {
		return fmt.Errorf("%w %q: must be 2 to 40 characters", ErrInvalidHandle, h)
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case isLetter(c):
		case i > 0 && (isDigit(c) || c == '_' || c == '-'):
		default:
			return fmt.Errorf("%w %q: a letter, then letters, digits, '_' and '-'", ErrInvalidHandle, h)
		}
	}
	return nil
}

// OwnerGems returns the names of the gems a RubyGems.org user owns (GET
// /api/v1/owners/HANDLE/gems.json, one request, cached like the rest),
// sorted. Each gem is then looked up like any other; the answer's own gem
// data is not used, so that an owner's gems are judged exactly as an
// audit judges them.
func (c *Client) OwnerGems(ctx context.Context, handle string) ([]string, error) {
	if err := ValidHandle(handle); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return c.src.ownerGems(ctx, handle)
}

// fetchOwnerGems reads an owner's gems from the owners document.
func fetchOwnerGems(ctx context.Context, document docReader, handle string) ([]string, error) {
	var names []string
	requests := 0
	err := document(ctx, kindOwner, handle, &requests, func(body []byte) error {
		var list []struct {
			Name string `json:"name"`
		}
		if err := decodeJSON(body, &list); err != nil {
			return fmt.Errorf("owner's gems: %w", err)
		}
		names = names[:0]
		for i, g := range list {
			if err := ValidName(g.Name); err != nil {
				return fmt.Errorf("owner's gems: entry %d: %w", i, err)
			}
			names = append(names, g.Name)
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("registry: owner %q: %w", handle, ErrUnknownOwner)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: owner %q: %w", handle, err)
	}
	sort.Strings(names)
	return names, nil
}
