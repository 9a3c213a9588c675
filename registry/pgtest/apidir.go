package pgtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mfaudit/mfaudit/registry"
)

// apiVersion is one build in RubyGems.org's GET /api/v1/versions/NAME.json.
type apiVersion struct {
	Number     string         `json:"number"`
	Platform   string         `json:"platform"`
	Prerelease bool           `json:"prerelease"`
	Metadata   map[string]any `json:"metadata"`
	Downloads  int64          `json:"downloads_count"`
	CreatedAt  string         `json:"created_at"`
}

// apiGem is RubyGems.org's GET /api/v1/gems/NAME.json: the gem's most
// recent version and its total downloads.
type apiGem struct {
	Downloads        *int64         `json:"downloads"`
	Version          string         `json:"version"`
	Platform         string         `json:"platform"`
	Metadata         map[string]any `json:"metadata"`
	VersionDownloads int64          `json:"version_downloads"`
	VersionCreatedAt string         `json:"version_created_at"`
	Yanked           bool           `json:"yanked"`
	HomepageURI      string         `json:"homepage_uri"`
	WikiURI          string         `json:"wiki_uri"`
	DocumentationURI string         `json:"documentation_uri"`
	MailingListURI   string         `json:"mailing_list_uri"`
	SourceCodeURI    string         `json:"source_code_uri"`
	BugTrackerURI    string         `json:"bug_tracker_uri"`
}

// FromAPIDir reads a directory laid out like RubyGems.org's API into Gems,
// sorted by name: DIR/api/v1/versions/NAME.json lists a gem's builds, and an
// optional DIR/api/v1/gems/NAME.json gives its total downloads (Total; nil
// without the file). A gem with a gems document but no versions list gets
// one version, the document's own. Metadata values that are not strings
// are skipped. A gems document's links become the gem's linkset (Links;
// nil without the document): RubyGems.org serves the linkset's links
// there when the version's metadata names none, and the metadata's
// otherwise, which the metadata then repeats.
func FromAPIDir(dir string) ([]Gem, error) {
	versions, err := readJSONDir[[]apiVersion](filepath.Join(dir, "api", "v1", "versions"))
	if err != nil {
		return nil, err
	}
	docs, err := readJSONDir[apiGem](filepath.Join(dir, "api", "v1", "gems"))
	if err != nil {
		return nil, err
	}
	if versions == nil && docs == nil {
		return nil, fmt.Errorf("pgtest: read API directory %s: neither api/v1/versions nor api/v1/gems exists", dir)
	}
	var names []string
	for name := range versions {
		names = append(names, name)
	}
	for name := range docs {
		if _, ok := versions[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	gems := make([]Gem, 0, len(names))
	for _, name := range names {
		g := Gem{Name: name}
		doc, hasDoc := docs[name]
		if hasDoc {
			g.Total = doc.Downloads
			g.Links = &Linkset{Home: doc.HomepageURI, Wiki: doc.WikiURI, Docs: doc.DocumentationURI,
				Mail: doc.MailingListURI, Code: doc.SourceCodeURI, Bugs: doc.BugTrackerURI}
		}
		if list, ok := versions[name]; ok {
			for _, av := range list {
				created, err := parseTime(av.CreatedAt)
				if err != nil {
					return nil, fmt.Errorf("pgtest: api/v1/versions/%s.json: version %s: %w", name, av.Number, err)
				}
				g.Versions = append(g.Versions, Version{
					Number: av.Number, Platform: av.Platform, Prerelease: av.Prerelease,
					Metadata: stringMetadata(av.Metadata), Downloads: av.Downloads, CreatedAt: created,
				})
			}
		} else if doc.Version != "" {
			created, err := parseTime(doc.VersionCreatedAt)
			if err != nil {
				return nil, fmt.Errorf("pgtest: api/v1/gems/%s.json: version_created_at: %w", name, err)
			}
			g.Versions = []Version{{
				Number: doc.Version, Platform: doc.Platform, Prerelease: registry.IsPrerelease(doc.Version),
				Yanked: doc.Yanked, Metadata: stringMetadata(doc.Metadata), Downloads: doc.VersionDownloads,
				CreatedAt: created,
			}}
		}
		gems = append(gems, g)
	}
	return gems, nil
}

// readJSONDir decodes every NAME.json in dir, keyed by NAME; a missing dir
// gives nil.
func readJSONDir[T any](dir string) (map[string]T, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pgtest: read API directory: %w", err)
	}
	out := map[string]T{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("pgtest: read API directory: %w", err)
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("pgtest: decode %s: %w", path, err)
		}
		out[name] = v
	}
	return out, nil
}

// stringMetadata keeps the string values of an API metadata object; nil if
// there are none.
func stringMetadata(m map[string]any) map[string]string {
	var out map[string]string
	for k, v := range m {
		if s, ok := v.(string); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = s
		}
	}
	return out
}

// parseTime parses an API timestamp; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: %w", s, err)
	}
	return t, nil
}
