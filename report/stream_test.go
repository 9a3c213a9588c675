package report

import (
	"bytes"
	"testing"
)

// TestStreamEqualsRender: a report written lockfile by lockfile is byte for
// byte the report rendered whole, in every format.
func TestStreamEqualsRender(t *testing.T) {
	for _, format := range Formats() {
		sample := renderSample()
		whole := New(sample.Lockfiles)
		whole.Allowlist = sample.Allowlist
		whole.ApplyGate(sample.Gate.FailOn)
		var want bytes.Buffer
		if err := Render(&want, format, whole, RenderOptions{ToolVersion: "1.2.3", Top: 3}); err != nil {
			t.Fatal(err)
		}

		var got bytes.Buffer
		s, err := NewStream(&got, format, Gate{FailOn: sample.Gate.FailOn}, RenderOptions{ToolVersion: "1.2.3", Top: 3})
		if err != nil {
			t.Fatal(err)
		}
		for i := range renderSample().Lockfiles {
			lr := renderSample().Lockfiles[i]
			if err := s.Add(&lr); err != nil {
				t.Fatal(err)
			}
		}
		r, err := s.Close(sample.Allowlist, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: the stream differs from the rendered report:\n--- stream\n%s\n--- render\n%s", format, got.String(), want.String())
		}
		if r.Summary != whole.Summary || r.Gate.Failed != whole.Gate.Failed || len(r.Aggregate) != len(whole.Aggregate) {
			t.Errorf("%s: Close's report %+v, want %+v", format, r.Summary, whole.Summary)
		}
	}
	if _, err := NewStream(&bytes.Buffer{}, "yaml", Gate{}, RenderOptions{}); err == nil {
		t.Error("NewStream accepted an unknown format")
	}
}
