package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// apiVersion is one entry of GET /api/v1/versions/NAME.json.
type apiVersion struct {
	Number         string                     `json:"number"`
	Platform       string                     `json:"platform"`
	Prerelease     bool                       `json:"prerelease"`
	Metadata       map[string]json.RawMessage `json:"metadata"`
	DownloadsCount int64                      `json:"downloads_count"`
	CreatedAt      string                     `json:"created_at"`
}

// parseVersions decodes a versions list, sanitizing every text field.
func parseVersions(body []byte) ([]Version, error) {
	var list []apiVersion
	if err := decodeJSON(body, &list); err != nil {
		return nil, fmt.Errorf("versions list: %w", err)
	}
	out := make([]Version, 0, len(list))
	for i, a := range list {
		if a.Number == "" {
			return nil, fmt.Errorf("versions list: entry %d has no version number", i)
		}
		v := Version{
			Number:     Sanitize(a.Number),
			Platform:   Sanitize(a.Platform),
			Prerelease: a.Prerelease,
			Downloads:  a.DownloadsCount,
		}
		if t, err := time.Parse(time.RFC3339Nano, a.CreatedAt); err == nil {
			v.CreatedAt = t // informational only: a mirror's odd format is no error
		}
		if v.Platform == "" {
			v.Platform = "ruby"
		}
		// Sanitizing cannot change a flag's verdict: it only alters strings
		// holding control characters, which are never exact false values.
		if len(a.Metadata) > 0 {
			v.Metadata = make(map[string]string, len(a.Metadata))
			for k, raw := range a.Metadata {
				v.Metadata[Sanitize(k)] = Sanitize(metadataValue(raw))
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// metadataValue turns a metadata value into the string RubyGems.org would
// cast: strings as they are, null as "" (blank, so false), anything else
// as its JSON text.
func metadataValue(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// parseDownloads decodes the total downloads of GET /api/v1/gems/NAME.json.
func parseDownloads(body []byte) (int64, error) {
	var g struct {
		Downloads *int64 `json:"downloads"`
	}
	if err := decodeJSON(body, &g); err != nil {
		return 0, fmt.Errorf("gem info: %w", err)
	}
	if g.Downloads == nil {
		return 0, errors.New("gem info: no downloads count")
	}
	return *g.Downloads, nil
}

// decodeJSON decodes one JSON document, naming truncation as such.
func decodeJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return errors.New("empty response body")
	}
	err := json.Unmarshal(body, v)
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case err.Error() == "unexpected end of JSON input":
		return fmt.Errorf("truncated JSON (%d bytes): %w", len(body), err)
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte %d: %w", syn.Offset, err)
	}
	return fmt.Errorf("unexpected JSON: %w", err)
}

// parseLinks decodes the link fields of GET /api/v1/gems/NAME.json.
func parseLinks(body []byte) (Links, error) {
	var g struct {
		Homepage      *string `json:"homepage_uri"`
		SourceCode    *string `json:"source_code_uri"`
		BugTracker    *string `json:"bug_tracker_uri"`
		Changelog     *string `json:"changelog_uri"`
		Documentation *string `json:"documentation_uri"`
		Wiki          *string `json:"wiki_uri"`
	}
	if err := decodeJSON(body, &g); err != nil {
		return Links{}, fmt.Errorf("gem info: %w", err)
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return Sanitize(*p)
	}
	return Links{
		Homepage:      str(g.Homepage),
		SourceCode:    str(g.SourceCode),
		BugTracker:    str(g.BugTracker),
		Changelog:     str(g.Changelog),
		Documentation: str(g.Documentation),
		Wiki:          str(g.Wiki),
	}, nil
}
