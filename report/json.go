package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonRenderer writes the mfaudit/v1 contract: the Report as its struct
// tags describe it, indented, with findings in lockfile order. Text is
// written exactly as found (encoding/json escapes control characters), and
// empty lists are [] rather than null so scripts need no special case. It
// streams: each lockfile is written as it comes, and the fields that follow
// the lockfiles (summary, gate, ...) at the end, so the document is the one
// encoding the whole Report would give.
type jsonRenderer struct {
	n int
}

func (j *jsonRenderer) begin(w io.Writer, _ RenderOptions) error {
	_, err := fmt.Fprintf(w, "{\n  \"schema\": %q,\n  \"lockfiles\": [", Schema)
	return err
}

func (j *jsonRenderer) lockfile(w io.Writer, lr *LockfileReport, _ int, _ RenderOptions) error {
	b, err := indentJSON(normalizedLockfile(lr), "    ")
	if err != nil {
		return err
	}
	sep := ",\n    "
	if j.n == 0 {
		sep = "\n    "
	}
	j.n++
	_, err = fmt.Fprintf(w, "%s%s", sep, b)
	return err
}

// jsonTail is the part of Report after its lockfiles, in field order, but
// for the aggregate, which end writes itself.
type jsonTail struct {
	Summary    Summary               `json:"summary"`
	Allowlist  []AllowlistEntryState `json:"allowlist,omitempty"`
	Gate       Gate                  `json:"gate"`
	Incomplete bool                  `json:"incomplete"`
	Registry   *RegistryData         `json:"registry,omitempty"`
	Census     *Census               `json:"census,omitempty"`
}

func (j *jsonRenderer) end(w io.Writer, e *ending, _ RenderOptions) error {
	r := e.r
	gate := r.Gate
	if gate.FailOn == nil {
		gate.FailOn = []Status{}
	}
	b, err := indentJSON(jsonTail{Summary: r.Summary, Allowlist: r.Allowlist, Gate: gate, Incomplete: r.Incomplete, Registry: r.Registry, Census: r.Census}, "")
	if err != nil {
		return err
	}
	closing := "\n  ]"
	if j.n == 0 {
		closing = "]"
	}
	// b is "{\n  \"summary\": ...\n}": splice its fields in, then the
	// aggregate entry by entry (a fleet's is large).
	b = bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("{")), []byte("\n}"))
	if _, err := fmt.Fprintf(w, "%s,%s", closing, b); err != nil {
		return err
	}
	if len(r.Aggregate) > 0 {
		if _, err := io.WriteString(w, ",\n  \"aggregate\": ["); err != nil {
			return err
		}
		for i := range r.Aggregate {
			eb, err := indentJSON(&r.Aggregate[i], "    ")
			if err != nil {
				return err
			}
			sep := ","
			if i == 0 {
				sep = ""
			}
			if _, err := fmt.Fprintf(w, "%s\n    %s", sep, eb); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, "\n  ]"); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "\n}\n")
	return err
}

// normalizedLockfile returns a copy of lr with nil lists made empty.
func normalizedLockfile(lr *LockfileReport) *LockfileReport {
	out := *lr
	out.Gems = make([]Finding, len(lr.Gems))
	copy(out.Gems, lr.Gems)
	for i := range out.Gems {
		if out.Gems[i].Path == nil {
			out.Gems[i].Path = []string{}
		}
	}
	return &out
}

// ReadJSON reads a report written with --format json, for the commands
// that start from an earlier audit. path names it in errors. A document
// that is not the mfaudit/v1 contract is an error.
func ReadJSON(r io.Reader, path string) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// A byte order mark, as some Windows editors write, is no JSON.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
			return nil, fmt.Errorf("%s:%d: not a JSON report: %v", path, line, err)
		}
		return nil, fmt.Errorf("%s: not an mfaudit JSON report: %v", path, err)
	}
	if rep.Schema != Schema {
		return nil, fmt.Errorf("%s: schema %q, want %q (a report of mfaudit audit --format json)", path, rep.Schema, Schema)
	}
	return &rep, nil
}
