package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// ManifestName is the file that makes a file:// directory a mirror, written
// by mfaudit mirror: where and when its documents were taken.
const ManifestName = "mfaudit-mirror.json"

// MirrorSchema names the manifest's format.
const MirrorSchema = "mfaudit-mirror/v1"

// ErrNotMirrored is returned (wrapped, as a *NotMirroredError) for a gem
// a mirror does not hold: whether the registry has it is not known, which
// is not the same as ErrNotFound.
var ErrNotMirrored = errors.New("not in the mirror")

// NotMirroredError names the mirror that lacks a gem's document.
type NotMirroredError struct {
	Path  string    // the missing file
	Taken time.Time // when the mirror was last taken
}

func (e *NotMirroredError) Error() string {
	return fmt.Sprintf("not in the mirror taken %s (no file %s)", e.Taken.UTC().Format("2006-01-02"), e.Path)
}

// Is makes errors.Is(err, ErrNotMirrored) true.
func (e *NotMirroredError) Is(target error) bool { return target == ErrNotMirrored }

// Manifest describes a mirror.
type Manifest struct {
	Schema string `json:"schema"`
	// Source is the registry the documents were taken from, credentials
	// redacted.
	Source string `json:"source"`
	// Taken is when the last mirror run ended.
	Taken time.Time `json:"taken"`
	// Gems maps each mirrored gem to when its documents were taken.
	Gems map[string]time.Time `json:"gems"`
	// Absent lists gems the registry did not have (404), so that an
	// audit against the mirror says so rather than "not in the mirror".
	Absent []string `json:"absent,omitempty"`
}

// ReadManifest reads the manifest of the mirror in dir; it returns nil and
// no error when dir is not a mirror.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry: mirror %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("registry: mirror %s: %s is not a mirror manifest: %v", dir, ManifestName, err)
	}
	if m.Schema != MirrorSchema {
		return nil, fmt.Errorf("registry: mirror %s: %s has schema %q, want %q", dir, ManifestName, m.Schema, MirrorSchema)
	}
	if m.Gems == nil {
		m.Gems = map[string]time.Time{}
	}
	return &m, nil
}

// MirrorData says, for an audit against a mirror, where its answers came
// from and how old they are.
type MirrorData struct {
	// Dir is the mirror's directory; Source the registry it copies.
	Dir    string
	Source string
	// Oldest is when the oldest document read was taken (zero if none).
	Oldest time.Time
}

// mirrorState is a file:// client's view of its manifest.
type mirrorState struct {
	m      *Manifest
	absent map[string]bool
	mu     sync.Mutex
	oldest time.Time
}

func newMirrorState(m *Manifest) *mirrorState {
	st := &mirrorState{m: m, absent: map[string]bool{}}
	for _, a := range m.Absent {
		st.absent[a] = true
	}
	return st
}

// read notes that a gem's documents were used.
func (s *mirrorState) read(name string) {
	t, ok := s.m.Gems[name]
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oldest.IsZero() || t.Before(s.oldest) {
		s.oldest = t
	}
}

// Mirror returns where an audit's answers came from when the base is a
// mirror (a file:// directory with a manifest), else nil.
func (c *Client) Mirror() *MirrorData {
	d, ok := c.src.(*dirSource)
	if !ok || d.mirror == nil {
		return nil
	}
	d.mirror.mu.Lock()
	defer d.mirror.mu.Unlock()
	return &MirrorData{Dir: d.dir, Source: d.mirror.m.Source, Oldest: d.mirror.oldest}
}

// provenance is the mirror's, for reports.
func (c *dirSource) provenance() *Provenance {
	if c.mirror == nil {
		return nil
	}
	c.mirror.mu.Lock()
	defer c.mirror.mu.Unlock()
	return &Provenance{Kind: ProvenanceMirror, Location: "file://" + filepath.ToSlash(c.dir), Source: c.mirror.m.Source, Time: c.mirror.oldest}
}

// UpdateManifest merges a mirror run into m (nil for a new mirror): the
// gems fetched get the time taken, the gems the registry lacks are
// absent, and the source is recorded.
func UpdateManifest(m *Manifest, source string, taken time.Time, fetched, absent []string) *Manifest {
	if m == nil {
		m = &Manifest{Gems: map[string]time.Time{}}
	}
	m.Schema, m.Source, m.Taken = MirrorSchema, source, taken.UTC()
	gone := map[string]bool{}
	for _, a := range m.Absent {
		gone[a] = true
	}
	for _, g := range fetched {
		m.Gems[g] = taken.UTC()
		delete(gone, g)
	}
	for _, a := range absent {
		gone[a] = true
		delete(m.Gems, a)
	}
	m.Absent = m.Absent[:0]
	for a := range gone {
		m.Absent = append(m.Absent, a)
	}
	sort.Strings(m.Absent)
	return m
}
