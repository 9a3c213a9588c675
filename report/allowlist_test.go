package report

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfaudit/mfaudit/lockfile"
	"github.com/mfaudit/mfaudit/registry"
)

func TestParseAllowlist(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // "" for success; else the whole error message
		entries int
	}{
		{name: "empty file", in: "", entries: 0},
		{name: "comments only", in: "# nothing yet\n", entries: 0},
		{name: "empty list", in: "allow: []\n", entries: 0},
		{name: "null list", in: "allow:\n", entries: 0},
		{
			name: "full entries",
			in: `allow:
  - gem: ble
    reason: Bluetooth driver, reviewed by security
    expires: 2026-12-31
  - gem: coulda
    version: 0.7.1
    reason: "test-only, pinned"
  - gem: coulda
    version: 0.7.2
    reason: next one too
`,
			entries: 3,
		},
		{name: "unknown top-level key", in: "allow: []\nignore: []\n", wantErr: `x.yml:2: unknown key "ignore" (want "allow")`},
		{name: "unknown entry key", in: "allow:\n  - gem: a\n    reason: r\n    expiry: 2026-01-01\n", wantErr: `x.yml:4: unknown key "expiry" (want gem, reason, expires or version)`},
		{name: "missing reason", in: "allow:\n  - gem: a\n", wantErr: "x.yml:2: entry for a has no reason: say why it is acceptable"},
		{name: "blank reason", in: "allow:\n  - gem: a\n    reason: \"  \"\n", wantErr: "x.yml:2: entry for a has no reason: say why it is acceptable"},
		{name: "missing gem", in: "allow:\n  - reason: because\n", wantErr: "x.yml:2: entry has no gem"},
		{name: "bad date", in: "allow:\n  - gem: a\n    reason: r\n    expires: 31/12/2026\n", wantErr: `x.yml:4: expires: "31/12/2026" is not a date (want YYYY-MM-DD)`},
		{name: "impossible date", in: "allow:\n  - gem: a\n    reason: r\n    expires: 2026-02-30\n", wantErr: `x.yml:4: expires: "2026-02-30" is not a date (want YYYY-MM-DD)`},
		{name: "gem with space", in: "allow:\n  - gem: a b\n    reason: r\n", wantErr: `x.yml:2: gem: "a b" is not a gem name`},
		{name: "duplicate", in: "allow:\n  - gem: a\n    reason: r\n  - gem: a\n    reason: again\n", wantErr: "x.yml:4: duplicate entry for a (first at line 2)"},
		{name: "list at top", in: "- gem: a\n  reason: r\n", wantErr: `x.yml:1: expected a mapping with an "allow" list`},
		{name: "allow not a list", in: "allow: yes\n", wantErr: `x.yml:1: "allow" must be a list of entries`},
		{name: "entry not a mapping", in: "allow:\n  - rails\n", wantErr: "x.yml:2: an allow entry must be a mapping with gem and reason"},
		{name: "nested value", in: "allow:\n  - gem: [a, b]\n    reason: r\n", wantErr: `x.yml:2: "gem" must be a single value`},
		{name: "syntax error", in: "allow:\n  - gem: \"a\n    reason: r\n", wantErr: "x.yml:2: found unexpected end of stream"},
		{name: "two documents", in: "allow: []\n---\nallow: []\n", wantErr: "x.yml:2: more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			al, err := ParseAllowlist(strings.NewReader(tt.in), "x.yml")
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("error = %q, want %q", err, tt.wantErr)
				}
				var ae *AllowlistError
				if !errors.As(err, &ae) {
					t.Errorf("error is %T, want *AllowlistError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if len(al.Entries) != tt.entries {
				t.Errorf("%d entries, want %d", len(al.Entries), tt.entries)
			}
		})
	}
}

func TestParseAllowlistFields(t *testing.T) {
	al, err := ParseAllowlist(strings.NewReader("allow:\n  - gem: ble\n    version: 1.0.0\n    reason: reviewed\n    expires: 2026-12-31\n"), "a.yml")
	if err != nil {
		t.Fatal(err)
	}
	e := al.Entries[0]
	if e.Gem != "ble" || e.Version != "1.0.0" || e.Reason != "reviewed" || e.Line != 2 {
		t.Errorf("entry = %+v", e)
	}
	if e.Expires == nil || !e.Expires.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("expires = %v, want 2026-12-31 UTC", e.Expires)
	}
}

func TestLoadAllowlistMissingFile(t *testing.T) {
	_, err := LoadAllowlist(filepath.Join(t.TempDir(), "nope.yml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yml") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func TestAllowEntryExpired(t *testing.T) {
	day := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	e := &AllowEntry{Expires: &day}
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"day before", time.Date(2026, 6, 29, 12, 0, 0, 0, time.UTC), false},
		{"start of the day", day, false},
		{"last second of the day", time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC), false},
		{"next day", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), true},
		{"next day in another zone", time.Date(2026, 7, 1, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Expired(tt.now); got != tt.want {
				t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
	if (&AllowEntry{}).Expired(time.Now()) {
		t.Error("an entry without expiry expired")
	}
}

func TestAllowlistApply(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	al, err := ParseAllowlist(strings.NewReader(`allow:
  - gem: legacy
    reason: vendored fork
  - gem: pinned
    version: 1.0.0
    reason: only this build was reviewed
  - gem: old
    reason: was fine last year
    expires: 2026-06-30
  - gem: safe
    reason: now protected, entry no longer needed
  - gem: absent
    reason: removed from the Gemfile
  - gem: future
    reason: until the fix ships
    expires: 2026-07-01
`), ".mfaudit.yml")
	if err != nil {
		t.Fatal(err)
	}
	lr := LockfileReport{Gems: []Finding{
		{Name: "legacy", Version: "2.0", Status: Unprotected},
		{Name: "legacy", Version: "2.0", Platform: "java", Status: Unprotected},
		{Name: "pinned", Version: "1.0.0", Status: Unprotected},
		{Name: "pinned", Version: "1.1.0", Status: Unprotected},
		{Name: "old", Version: "1", Status: Unknown},
		{Name: "safe", Version: "1", Status: Protected},
		{Name: "future", Version: "1", Status: Partial},
		{Name: "other", Version: "1", Status: Unprotected},
	}}
	al.Apply(&lr, now)
	wantAllowed := []bool{true, true, true, false, false, false, true, false}
	for i, f := range lr.Gems {
		if f.Allowlisted != wantAllowed[i] {
			t.Errorf("%s %s: allowlisted = %v, want %v", f.Name, f.Version, f.Allowlisted, wantAllowed[i])
		}
		if f.Allowlisted && f.AllowlistReason == "" {
			t.Errorf("%s: allowlisted without a reason", f.Name)
		}
	}
	if lr.Gems[0].AllowlistReason != "vendored fork" {
		t.Errorf("allowlist_reason = %q", lr.Gems[0].AllowlistReason)
	}

	states := map[string]AllowlistEntryState{}
	for _, st := range al.States(now) {
		states[st.Gem] = st
	}
	want := map[string]struct {
		state   string
		matches int
	}{
		"legacy": {AllowActive, 2},
		"pinned": {AllowActive, 1},
		"old":    {AllowExpired, 0},
		"safe":   {AllowStale, 0},
		"absent": {AllowStale, 0},
		"future": {AllowActive, 1},
	}
	for gem, w := range want {
		st, ok := states[gem]
		if !ok {
			t.Errorf("no state for %s", gem)
			continue
		}
		if st.State != w.state || st.Matches != w.matches {
			t.Errorf("%s: state %s with %d matches, want %s with %d", gem, st.State, st.Matches, w.state, w.matches)
		}
		if st.File != ".mfaudit.yml" || st.Line == 0 {
			t.Errorf("%s: located at %s:%d", gem, st.File, st.Line)
		}
	}

	// An allowlisted finding no longer fails the gate; the expired one does.
	r := New([]LockfileReport{lr})
	if !r.Gate.Failed {
		t.Error("gate passed, but old (expired entry) and other are unprotected/unknown")
	}
	for _, f := range r.Findings() {
		wantFail := (f.Status == Unprotected || f.Status == Unknown) && !f.Allowlisted
		if f.FailsGate != wantFail {
			t.Errorf("%s %s: fails_gate = %v, want %v", f.Name, f.Version, f.FailsGate, wantFail)
		}
	}
	if r.Summary.Allowlisted != 4 || r.Summary.Failing != 3 {
		t.Errorf("summary = %+v, want 4 allowlisted and 3 failing", r.Summary)
	}
}

func TestNilAllowlist(t *testing.T) {
	var al *Allowlist
	lr := LockfileReport{Gems: []Finding{{Name: "a", Status: Unprotected}}}
	al.Apply(&lr, time.Now())
	if lr.Gems[0].Allowlisted || al.States(time.Now()) != nil {
		t.Error("a nil allowlist allowed something")
	}
}

// TestAllowlistOnlyDirect checks that --only direct, which leaves
// transitive gems out of the audit, does not tell the user to remove the
// entries those gems need.
func TestAllowlistOnlyDirect(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	unprotected := gem("x", 0, ver("1.0"))
	direct := spec("direct", "1.0", rubygemsSource)
	transitive := spec("transitive", "1.0", rubygemsSource)
	transitive.Direct, transitive.Path = false, []string{"direct", "transitive"}
	lf := &lockfile.Lockfile{Path: "Gemfile.lock", Specs: []*lockfile.Spec{direct, transitive}}
	results := map[string]registry.Result{
		"direct":     {Name: "direct", Gem: unprotected},
		"transitive": {Name: "transitive", Gem: unprotected},
	}
	for _, tt := range []struct {
		onlyDirect bool
		want       map[string]string
	}{
		{true, map[string]string{"transitive": AllowUnchecked, "direct": AllowActive, "gone": AllowStale}},
		{false, map[string]string{"transitive": AllowActive, "direct": AllowActive, "gone": AllowStale}},
	} {
		al, err := ParseAllowlist(strings.NewReader(`allow:
  - gem: transitive
    reason: reviewed
  - gem: direct
    reason: reviewed
  - gem: gone
    reason: removed from the Gemfile
`), ".mfaudit.yml")
		if err != nil {
			t.Fatal(err)
		}
		lr := Evaluate(lf, results, EvaluateOptions{OnlyDirect: tt.onlyDirect})
		al.Apply(&lr, now)
		for _, st := range al.States(now) {
			if st.State != tt.want[st.Gem] {
				t.Errorf("only direct %v: %s is %s, want %s", tt.onlyDirect, st.Gem, st.State, tt.want[st.Gem])
			}
		}
	}
}
