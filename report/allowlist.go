package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mfaudit/mfaudit/registry"
)

// Allowlist entry states, as reported in AllowlistEntryState.State.
const (
	AllowActive  = "active"  // allowlisted at least one finding
	AllowExpired = "expired" // past its expiry date: allows nothing
	AllowStale   = "stale"   // matched no finding that needed it
	// AllowUnchecked: the entry's gem is locked but was left out of the
	// audit (--only direct), so whether the entry is needed is not known.
	AllowUnchecked = "unchecked"
)

// DefaultAllowlistName is the allowlist file looked for next to a lockfile.
const DefaultAllowlistName = ".mfaudit.yml"

// Allowlist is a parsed allowlist file:
//
//	allow:
//	  - gem: legacy-client        # required
//	    reason: vendored, reviewed  # required
//	    expires: 2026-12-31       # optional; last day the entry allows (UTC)
//	    version: 1.2.3            # optional; only this locked version
//
// An entry allowlists every finding for its gem (and version, if given)
// whose status is not protected, so that it does not fail the gate.
type Allowlist struct {
	Path    string
	Entries []*AllowEntry
}

// AllowEntry is one allowlist entry.
type AllowEntry struct {
	Gem     string
	Version string // "" matches every version
	Reason  string
	// Expires is the last day (UTC midnight) on which the entry allows; nil
	// when it never expires.
	Expires *time.Time
	Line    int

	matches int
	omitted bool // its gem was locked but left out of an audit
}

// Expired reports whether the entry no longer allows at time now: it allows
// until the end of its expiry day, in UTC.
func (e *AllowEntry) Expired(now time.Time) bool {
	return e.Expires != nil && !now.Before(e.Expires.AddDate(0, 0, 1))
}

// AllowlistError is a problem in an allowlist file. Its message reads
// "path:line: msg".
type AllowlistError struct {
	Path string
	Line int
	Msg  string
}

func (e *AllowlistError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// yamlLineRE splits the parser's "line N: message" errors.
var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// LoadAllowlist reads and parses the allowlist file at path.
func LoadAllowlist(path string) (*Allowlist, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	return ParseAllowlist(bytes.NewReader(data), path)
}

// ParseAllowlist parses an allowlist from r; path names it in errors. An
// unknown key, a missing gem or reason, a malformed date or a duplicate
// entry is an error naming the line.
func ParseAllowlist(r io.Reader, path string) (*Allowlist, error) {
	al := &Allowlist{Path: path}
	errf := func(line int, format string, args ...any) error {
		return &AllowlistError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return al, nil // an empty file allows nothing
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, errf(line, "%s", m[2])
		}
		return nil, errf(0, "%s", msg)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, errf(extra.Line, "more than one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return al, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return al, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, errf(root.Line, "expected a mapping with an \"allow\" list")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "allow":
			list = v
		default:
			return nil, errf(k.Line, "unknown key %q (want \"allow\")", k.Value)
		}
	}
	if list == nil || (list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
		return al, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, errf(list.Line, "\"allow\" must be a list of entries")
	}
	seen := map[string]int{}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, errf(item.Line, "an allow entry must be a mapping with gem and reason")
		}
		e := &AllowEntry{Line: item.Line}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, errf(v.Line, "%q must be a single value", k.Value)
			}
			val := strings.TrimSpace(v.Value)
			switch k.Value {
			case "gem":
				if val == "" || strings.ContainsFunc(val, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
					return nil, errf(v.Line, "gem: %q is not a gem name", registry.Sanitize(val))
				}
				e.Gem = val
			case "reason":
				e.Reason = val
			case "version":
				e.Version = val
			case "expires":
				d, err := time.Parse(time.DateOnly, val)
				if err != nil {
					return nil, errf(v.Line, "expires: %q is not a date (want YYYY-MM-DD)", registry.Sanitize(val))
				}
				e.Expires = &d
			default:
				return nil, errf(k.Line, "unknown key %q (want gem, reason, expires or version)", registry.Sanitize(k.Value))
			}
		}
		if e.Gem == "" {
			return nil, errf(item.Line, "entry has no gem")
		}
		if e.Reason == "" {
			return nil, errf(item.Line, "entry for %s has no reason: say why it is acceptable", e.Gem)
		}
		key := e.Gem + " " + e.Version
		if first, dup := seen[key]; dup {
			return nil, errf(item.Line, "duplicate entry for %s (first at line %d)", e.Gem, first)
		}
		seen[key] = item.Line
		al.Entries = append(al.Entries, e)
	}
	return al, nil
}

// Apply marks the findings of lr that an unexpired entry covers as
// allowlisted: every finding for the entry's gem (and version, if given)
// that is not protected. It counts matches for States, so call it once per
// lockfile the allowlist applies to.
func (al *Allowlist) Apply(lr *LockfileReport, now time.Time) {
	if al == nil {
		return
	}
	for _, e := range al.Entries {
		if lr.omitted[e.Gem] {
			e.omitted = true
		}
	}
	for i := range lr.Gems {
		f := &lr.Gems[i]
		if f.Status == Protected {
			continue
		}
		for _, e := range al.Entries {
			if e.Gem != f.Name || (e.Version != "" && e.Version != f.Version) || e.Expired(now) {
				continue
			}
			e.matches++
			if !f.Allowlisted {
				f.Allowlisted = true
				f.AllowlistReason = registry.Sanitize(e.Reason)
			}
		}
	}
}

// States reports every entry's state after Apply: expired entries allow
// nothing; unexpired ones that matched nothing are stale.
func (al *Allowlist) States(now time.Time) []AllowlistEntryState {
	if al == nil {
		return nil
	}
	out := make([]AllowlistEntryState, 0, len(al.Entries))
	for _, e := range al.Entries {
		st := AllowlistEntryState{
			Gem:     registry.Sanitize(e.Gem),
			Reason:  registry.Sanitize(e.Reason),
			Expires: e.Expires,
			Version: registry.Sanitize(e.Version),
			File:    registry.Sanitize(al.Path),
			Line:    e.Line,
			Matches: e.matches,
		}
		switch {
		case e.Expired(now):
			st.State = AllowExpired
		case e.matches == 0 && e.omitted:
			st.State = AllowUnchecked
		case e.matches == 0:
			st.State = AllowStale
		default:
			st.State = AllowActive
		}
		out = append(out, st)
	}
	return out
}
