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
// empty lists are [] rather than null so scripts need no special case.
type jsonRenderer struct{}

func (jsonRenderer) render(w io.Writer, r *Report, _ RenderOptions) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normalized(r)); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONUnsafe(buf.Bytes()))
	return err
}

// normalized returns a copy of r with the schema set and nil lists made
// empty, leaving r itself untouched.
func normalized(r *Report) *Report {
	out := *r
	if out.Schema == "" {
		out.Schema = Schema
	}
	out.Lockfiles = make([]LockfileReport, len(r.Lockfiles))
	for i, lf := range r.Lockfiles {
		gems := make([]Finding, len(lf.Gems))
		for j, f := range lf.Gems {
			if f.Path == nil {
				f.Path = []string{}
			}
			gems[j] = f
		}
		lf.Gems = gems
		out.Lockfiles[i] = lf
	}
	if out.Gate.FailOn == nil {
		out.Gate.FailOn = []Status{}
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
