package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestParseFailOn(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Status
		wantErr string
	}{
		{name: "default list", in: "unprotected,unknown", want: []Status{Unprotected, Unknown}},
		{name: "spaces and duplicates", in: " partial , unprotected,partial", want: []Status{Partial, Unprotected}},
		{name: "every status", in: "protected,partial,unprotected,not_covered,unknown", want: []Status{Protected, Partial, Unprotected, NotCovered, Unknown}},
		{name: "none", in: "none", want: []Status{}},
		{name: "empty", in: "", wantErr: "empty status list"},
		{name: "typo", in: "unprotectd", wantErr: `unknown status "unprotectd"`},
		{name: "trailing comma", in: "unknown,", wantErr: `unknown status ""`},
		{name: "none mixed", in: "none,unknown", wantErr: `"none" cannot be combined`},
		{name: "case matters", in: "Unknown", wantErr: `unknown status "Unknown"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFailOn(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApplyGate(t *testing.T) {
	findings := []Finding{
		{Name: "p", Status: Protected},
		{Name: "pa", Status: Partial},
		{Name: "u", Status: Unprotected},
		{Name: "ua", Status: Unprotected, Allowlisted: true},
		{Name: "nc", Status: NotCovered},
		{Name: "k", Status: Unknown},
	}
	tests := []struct {
		name    string
		failOn  []Status
		failing []string
	}{
		{"default", DefaultFailOn, []string{"u", "k"}},
		{"none", []Status{}, nil},
		{"partial too", []Status{Unprotected, Partial}, []string{"pa", "u"}},
		{"not covered", []Status{NotCovered}, []string{"nc"}},
		{"protected only", []Status{Protected}, []string{"p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New([]LockfileReport{{Path: "a", Gems: slices.Clone(findings[:3])}, {Path: "b", Gems: slices.Clone(findings[3:])}})
			failed := r.ApplyGate(tt.failOn)
			var got []string
			for _, f := range r.Findings() {
				if f.FailsGate {
					got = append(got, f.Name)
				}
			}
			if !slices.Equal(got, tt.failing) {
				t.Errorf("failing = %v, want %v", got, tt.failing)
			}
			if failed != (len(tt.failing) > 0) || r.Gate.Failed != failed {
				t.Errorf("ApplyGate = %v, Gate.Failed = %v, want %v", failed, r.Gate.Failed, len(tt.failing) > 0)
			}
			want := Summary{Protected: 1, Partial: 1, Unprotected: 2, NotCovered: 1, Unknown: 1, Allowlisted: 1, Failing: len(tt.failing)}
			if r.Summary != want {
				t.Errorf("summary = %+v, want %+v", r.Summary, want)
			}
			if r.Summary.Total() != 6 {
				t.Errorf("total = %d", r.Summary.Total())
			}
		})
	}
}

func TestIncomplete(t *testing.T) {
	r := New([]LockfileReport{{Gems: []Finding{{Name: "a", Status: Unknown, Reason: "not found on RubyGems.org"}}}})
	if r.Incomplete || r.LookupErrors() != 0 {
		t.Error("a gem that is not found does not make the audit incomplete")
	}
	r = New([]LockfileReport{{Gems: []Finding{{Name: "a", Status: Unknown, LookupError: "timeout"}}}})
	if !r.Incomplete || r.LookupErrors() != 1 {
		t.Error("a failed lookup must make the audit incomplete")
	}
}

// TestJSONContract pins the field names scripts rely on.
func TestJSONContract(t *testing.T) {
	flag := "true"
	r := New([]LockfileReport{{Path: "Gemfile.lock", Gems: []Finding{{
		Name: "rack", Version: "3.0.8", Platform: "ruby",
		Source: Source{Type: "rubygems", Remote: "https://rubygems.org/"},
		Line:   12, Direct: true, Path: []string{"rails", "rack"},
		Status: Protected, Reason: "r", LatestVersion: "3.1.0", MFAFlag: &flag,
	}}}})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m["schema"] != "mfaudit/v1" {
		t.Errorf("schema = %v", m["schema"])
	}
	gem := m["lockfiles"].([]any)[0].(map[string]any)["gems"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "version", "platform", "source", "line", "direct", "path", "status", "reason",
		"latest_version", "mfa_flag", "locked_version_mfa", "downloads", "source_code_uri", "allowlisted"} {
		if _, ok := gem[k]; !ok {
			t.Errorf("gem entry lacks %q", k)
		}
	}
	if gem["locked_version_mfa"] != nil || gem["source_code_uri"] != nil {
		t.Error("unset pointers must be JSON null")
	}
	sum := m["summary"].(map[string]any)
	for _, k := range []string{"protected", "partial", "unprotected", "not_covered", "unknown"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
}
