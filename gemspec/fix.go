package gemspec

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// FixOptions chooses which specifications Fix edits and how.
type FixOptions struct {
	// Name edits only the specification whose literal name is Name.
	Name string
	// All edits every specification in the file. Without Name or All, a
	// file with several specifications is edited only when one of them
	// is named like the file.
	All bool
	// OverrideOptOut replaces an explicit false value ("false", "0", …)
	// with "true". Without it an opted-out specification is left alone.
	OverrideOptOut bool
	// Read follows helpers in other files, as AnalyzeOptions.Read does.
	Read func(name string) ([]byte, error)
}

// Action is what Fix did to one specification.
type Action string

// The actions.
const (
	ActionNone        Action = "none"        // already requires MFA
	ActionInserted    Action = "inserted"    // the key was added
	ActionUncommented Action = "uncommented" // the template line was uncommented
	ActionReplaced    Action = "replaced"    // a false value became "true"
	ActionUnfixed     Action = "unfixed"     // left as it was; see Reason
)

// SpecFix is the outcome for one specification.
type SpecFix struct {
	// Spec is the specification as it was before the edit.
	Spec   Spec
	Action Action
	// Inserted and Changed are the lines of the new source that were
	// added or modified (1-based).
	Inserted, Changed []int
	// Reason says why the specification was left unfixed.
	Reason string

	index int // position of the specification in the file
}

// Edit is the result of Fix for one file.
type Edit struct {
	Path string
	// Old is the input; New the edited source (equal to Old when nothing
	// changed).
	Old, New []byte
	// Skip is set when the whole file must not be edited.
	Skip *Skip
	// Reason says why no specification was chosen (a skipped file, no
	// specification with the requested name, an ambiguous file).
	Reason string
	// NoMatch is set when no specification has the requested name.
	NoMatch bool
	// Specs has one entry per chosen specification.
	Specs []SpecFix
	// Others are the specifications of the file that were not chosen
	// (Name, or the file's name, picked some), as they are.
	Others []Spec
}

// Changed reports whether the edit changes the file.
func (e *Edit) Changed() bool { return !bytes.Equal(e.Old, e.New) }

// Unfixed reports whether anything chosen (or the file itself) was left
// without the MFA requirement.
func (e *Edit) Unfixed() bool {
	if e.Reason != "" {
		return true
	}
	for _, s := range e.Specs {
		if s.Action == ActionUnfixed {
			return true
		}
	}
	return false
}

// textEdit replaces src[off:off+del] with ins. Every edit either inserts
// whole lines at the start of a line or changes text within one line.
type textEdit struct {
	off, del int
	ins      string
	lines    bool // ins is whole lines inserted at a line start
}

// Fix adds the MFA requirement to the chosen specifications of a gemspec,
// in the file's own style, and returns the new source with a description
// of each change. Specifications it must not or cannot edit are left
// untouched with a reason. It returns a *SyntaxError for a file it cannot
// read with confidence, and an error if its own edit does not check out;
// the input is never half-edited.
func Fix(src []byte, path string, opts FixOptions) (*Edit, error) {
	a, f, ctxs, err := analyze(src, path, AnalyzeOptions{Read: opts.Read})
	if err != nil {
		return nil, err
	}
	e := &Edit{Path: path, Old: src, New: src}
	if a.Skip != nil {
		e.Skip, e.Reason = a.Skip, a.Skip.Reason
		return e, nil
	}
	chosen, reason := choose(ctxs, path, opts)
	if reason != "" {
		e.Reason = reason
		e.NoMatch = opts.Name != "" && len(chosen) == 0
		return e, nil
	}
	for _, sc := range ctxs {
		if indexOf(chosen, sc) < 0 {
			e.Others = append(e.Others, sc.Spec)
		}
	}
	var all []textEdit
	var owners []int // owners[k] is the index into e.Specs of all[k]
	for _, sc := range chosen {
		sf := SpecFix{Spec: sc.Spec, index: indexOf(ctxs, sc)}
		edits, action, why := f.plan(sc, opts)
		sf.Action, sf.Reason = action, why
		e.Specs = append(e.Specs, sf)
		for _, te := range edits {
			all = append(all, te)
			owners = append(owners, len(e.Specs)-1)
		}
	}
	if len(all) == 0 {
		return e, nil
	}
	out, lines := applyEdits(src, all)
	for k, ln := range lines {
		sf := &e.Specs[owners[k]]
		sf.Inserted = append(sf.Inserted, ln.inserted...)
		sf.Changed = append(sf.Changed, ln.changed...)
	}
	e.New = out
	if err := verify(e, a, opts); err != nil {
		return nil, fmt.Errorf("gemspec: %s: the edit did not check out, so the file is left as it was: %w", path, err)
	}
	return e, nil
}

func indexOf(ctxs []*specCtx, sc *specCtx) int {
	for i, c := range ctxs {
		if c == sc {
			return i
		}
	}
	return -1
}

// choose picks the specifications to edit.
func choose(ctxs []*specCtx, path string, opts FixOptions) ([]*specCtx, string) {
	switch {
	case opts.Name != "":
		var out []*specCtx
		for _, sc := range ctxs {
			if sc.Name == opts.Name {
				out = append(out, sc)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Sprintf("no specification named %q", opts.Name)
		}
		return out, ""
	case opts.All || len(ctxs) == 1:
		return ctxs, ""
	}
	base := strings.TrimSuffix(filepath.Base(path), ".gemspec")
	var names []string
	for _, sc := range ctxs {
		if sc.Name == base {
			return []*specCtx{sc}, ""
		}
		n := sc.Name
		if n == "" {
			n = fmt.Sprintf("(unnamed, line %d)", sc.Line)
		}
		names = append(names, n)
	}
	return nil, fmt.Sprintf("defines %d specifications (%s); choose one by name or edit all", len(ctxs), strings.Join(names, ", "))
}

// plan works out the edits for one specification.
func (f *file) plan(sc *specCtx, opts FixOptions) ([]textEdit, Action, string) {
	if sc.Skip != nil {
		return nil, ActionUnfixed, sc.Skip.Reason
	}
	switch sc.State {
	case Required:
		return nil, ActionNone, ""
	case OptedOut:
		if h := sc.external; h != nil {
			if !opts.OverrideOptOut {
				return nil, ActionUnfixed, fmt.Sprintf("opted out: %s is %q, set by %s (line %d) in %s, a maintainer's decision; override it explicitly to change it", MFAKey, sc.Value, h.call, sc.StateLine, h.name)
			}
			return nil, ActionUnfixed, fmt.Sprintf("opted out in another file: %s sets %s to %q in %s; change it there", h.call, MFAKey, sc.Value, h.name)
		}
		if !opts.OverrideOptOut {
			return nil, ActionUnfixed, fmt.Sprintf("opted out: %s is %q (line %d), a maintainer's decision; override it explicitly to change it", MFAKey, sc.Value, sc.StateLine)
		}
		if sc.decidingTok < 0 {
			return nil, ActionUnfixed, fmt.Sprintf("cannot replace the value at line %d", sc.StateLine)
		}
		t := &f.toks[sc.decidingTok]
		lo, hi := t.start+1, t.end-1
		if t.quote == 0 {
			lo = t.start + strings.IndexAny(t.text, "([{<|!/^~") + 1
			if !strings.HasPrefix(t.text, "%") || lo <= t.start {
				return nil, ActionUnfixed, fmt.Sprintf("cannot replace the value at line %d", t.line)
			}
		}
		return []textEdit{{off: lo, del: hi - lo, ins: "true"}}, ActionReplaced, ""
	case Invalid, Computed:
		return nil, ActionUnfixed, fmt.Sprintf("%s: %s (line %d)", sc.State, sc.Detail, sc.StateLine)
	case CommentedOut:
		c := sc.template
		n := 1
		if c.start+1 < len(f.src) && f.src[c.start+1] == ' ' {
			n = 2
		}
		return []textEdit{{off: c.start, del: n}}, ActionUncommented, ""
	}
	// Missing: add the key after the last write of metadata.
	if len(sc.ops) == 0 {
		return f.planNoMetadata(sc)
	}
	op := &sc.ops[len(sc.ops)-1]
	var edits []textEdit
	var why string
	switch {
	case op.helper != nil && (op.kind == opHelper && op.helper.wholeFrozen || op.kind == opAssign && op.helper.retFrozen):
		why = fmt.Sprintf("%s (line %d) makes the metadata a frozen Hash, so no line can add the key after it; add it in %s:%d", op.helper.call, op.line, op.helper.name, op.helper.line)
	case op.kind == opHash && !op.conditional:
		edits, why = f.hashInsert(op.hash)
	case op.kind == opAssign && op.frozen && !op.conditional:
		edits, why = f.hashInsert(op.hash)
	default:
		q := f.majorityQuote(sc)
		if op.kind == opIndex && op.keyTok >= 0 && f.toks[op.keyTok].quote != 0 {
			q = f.toks[op.keyTok].quote
		}
		edits, why = f.indexAfter(op.anchor, op.recv, q)
	}
	if why != "" {
		return nil, ActionUnfixed, why
	}
	return edits, ActionInserted, ""
}

// planNoMetadata adds an index line after the last plain attribute
// assignment that comes before the dependencies and file lists, or before
// the block's end.
func (f *file) planNoMetadata(sc *specCtx) ([]textEdit, Action, string) {
	q := f.majorityQuote(sc)
	var anchor *stmt
	switch {
	case sc.stopAt > 0:
		anchor = &sc.attrs[sc.stopAt-1]
	case len(sc.attrs) > 0:
		anchor = &sc.attrs[len(sc.attrs)-1]
	}
	if anchor != nil {
		edits, why := f.indexAfter(*anchor, sc.Var, q)
		if why != "" {
			return nil, ActionUnfixed, why
		}
		return edits, ActionInserted, ""
	}
	ct := sc.closeTok
	if n := len(sc.bodyStmts); n > 0 && sc.bodyStmts[n-1].term < 0 {
		return nil, ActionUnfixed, fmt.Sprintf("the last statement of the block at line %d runs into its end; add the key by hand", sc.Line)
	}
	if !f.firstOnLine(ct) || f.toks[ct].line == f.toks[sc.newTok].line {
		return nil, ActionUnfixed, fmt.Sprintf("the block at line %d is written on one line; add the key by hand", sc.Line)
	}
	indent := f.indentOf(f.toks[ct].start) + "  "
	if strings.Contains(f.indentOf(f.toks[ct].start), "\t") || len(sc.bodyStmts) > 0 && strings.HasPrefix(f.indentOf(f.toks[sc.bodyStmts[0].lo].start), "\t") {
		indent = f.indentOf(f.toks[ct].start) + "\t"
	}
	if len(sc.bodyStmts) > 0 {
		indent = f.indentOf(f.toks[sc.bodyStmts[0].lo].start)
	}
	off := f.lineStart(f.toks[ct].start)
	line := indent + indexLine(sc.Var, q) + f.eolAt(off)
	return []textEdit{{off: off, ins: line, lines: true}}, ActionInserted, ""
}

func indexLine(recv string, q byte) string {
	qs := string(q)
	return recv + ".metadata[" + qs + MFAKey + qs + "] = " + qs + "true" + qs
}

// indexAfter inserts recv.metadata["rubygems_mfa_required"] = "true" on a
// new line after statement s, at its indentation.
func (f *file) indexAfter(s stmt, recv string, q byte) ([]textEdit, string) {
	line := f.toks[s.lo].line
	if s.term < 0 || f.toks[s.term].kind != tNewline {
		return nil, fmt.Sprintf("the statement at line %d is followed by more code on its line; add the key by hand", line)
	}
	if !f.firstOnLine(s.lo) {
		return nil, fmt.Sprintf("the statement at line %d does not start its line; add the key by hand", line)
	}
	off := f.toks[s.term].resume
	if off == len(f.src) && (len(f.src) == 0 || f.src[len(f.src)-1] != '\n') {
		return nil, fmt.Sprintf("the statement at line %d ends the file", line)
	}
	indent := f.indentOf(f.toks[s.lo].start)
	eol := f.eolAt(f.toks[s.term].start)
	return []textEdit{{off: off, ins: indent + indexLine(recv, q) + eol, lines: true}}, ""
}

// majorityQuote returns the quote character most String literals in the
// specification use, preferring '"' on a tie.
func (f *file) majorityQuote(sc *specCtx) byte {
	single, double := 0, 0
	for i := sc.bodyLo; i < sc.closeTok; i++ {
		switch f.toks[i].quote {
		case '\'':
			single++
		case '"':
			double++
		}
	}
	if single > double {
		return '\''
	}
	return '"'
}

// hashInsert adds the pair to a literal Hash in its own layout.
func (f *file) hashInsert(h *hashLit) ([]textEdit, string) {
	open, close := &f.toks[h.open], &f.toks[h.close]
	// Quote and separator from the existing String keys.
	q := byte(0)
	sepBefore, sepAfter := " ", " "
	var keys []string
	sorted := true
	for _, e := range h.entries {
		if e.kind != keyString {
			sorted = false
			continue
		}
		kt := &f.toks[e.keyTok]
		if kt.quote != 0 {
			q = kt.quote
		}
		if e.arrow >= 0 {
			if !f.toks[e.arrow].spaceBefore {
				sepBefore = ""
			} else {
				sepBefore = " "
			}
			if e.valLo < len(f.toks) && !f.toks[e.valLo].spaceBefore && f.toks[e.valLo].line == f.toks[e.arrow].line {
				sepAfter = ""
			} else {
				sepAfter = " "
			}
		}
		if len(keys) > 0 && keys[len(keys)-1] >= e.key {
			sorted = false
		}
		keys = append(keys, e.key)
	}
	if q == 0 {
		q = '"'
		for i := h.open; i < h.close; i++ {
			if f.toks[i].quote != 0 {
				q = f.toks[i].quote
				break
			}
		}
	}
	qs := string(q)
	pair := qs + MFAKey + qs + sepBefore + "=>" + sepAfter + qs + "true" + qs

	if len(h.entries) == 0 {
		if open.line == close.line {
			return []textEdit{{off: open.end, del: close.start - open.end, ins: " " + pair + " "}}, ""
		}
		if !f.firstOnLine(h.close) {
			return nil, fmt.Sprintf("unusual layout of the empty metadata Hash at line %d; add the key by hand", open.line)
		}
		ci := f.indentOf(close.start)
		unit := "  "
		if strings.Contains(ci, "\t") {
			unit = "\t"
		}
		off := f.lineStart(close.start)
		return []textEdit{{off: off, ins: ci + unit + pair + f.eolAt(off), lines: true}}, ""
	}

	// Keys in strict alphabetical order: insert at the sorted position.
	if sorted && len(keys) >= 2 && len(keys) == len(h.entries) {
		pos := sort.SearchStrings(keys, MFAKey)
		if pos < len(keys) && keys[pos] != MFAKey {
			e := h.entries[pos]
			if f.firstOnLine(e.lo) && f.toks[e.lo].line > open.line {
				off := f.lineStart(f.toks[e.lo].start)
				return []textEdit{{off: off, ins: f.indentOf(f.toks[e.lo].start) + pair + "," + f.eolAt(off), lines: true}}, ""
			}
		}
	}

	last := h.entries[len(h.entries)-1]
	lastTok := &f.toks[last.hi-1]
	multi := close.line > lastTok.line
	if h.trailingComma < 0 && !valueLike(lastTok) {
		// The last value does not end like one (an operator, a label
		// without a value): what is appended would be read with it.
		return nil, fmt.Sprintf("the last value of the metadata Hash at line %d does not end like a value; add the key by hand", lastTok.line)
	}
	if h.trailingComma >= 0 {
		comma := &f.toks[h.trailingComma]
		if close.line > comma.line && f.firstOnLine(last.lo) && f.restIsBlank(comma.end) {
			off := f.nextLine(h.trailingComma)
			if off < 0 {
				return nil, "the metadata Hash ends the file"
			}
			return []textEdit{{off: off, ins: f.indentOf(f.toks[last.lo].start) + pair + "," + f.eolAt(comma.end), lines: true}}, ""
		}
		if close.line == comma.line {
			return []textEdit{{off: comma.end, ins: " " + pair + ","}}, ""
		}
		return nil, fmt.Sprintf("unusual layout of the metadata Hash at line %d; add the key by hand", open.line)
	}
	if multi && f.restIsBlank(lastTok.end) {
		indent := ""
		if f.firstOnLine(last.lo) && f.toks[last.lo].line > open.line {
			indent = f.indentOf(f.toks[last.lo].start)
		} else {
			ci := f.indentOf(close.start)
			unit := "  "
			if strings.Contains(ci, "\t") {
				unit = "\t"
			}
			indent = ci + unit
		}
		off := f.nextLine(last.hi - 1)
		if off < 0 {
			return nil, "the metadata Hash ends the file"
		}
		return []textEdit{
			{off: lastTok.end, ins: ","},
			{off: off, ins: indent + pair + f.eolAt(lastTok.end), lines: true},
		}, ""
	}
	if close.line == lastTok.line {
		return []textEdit{{off: lastTok.end, ins: ", " + pair}}, ""
	}
	return nil, fmt.Sprintf("unusual layout of the metadata Hash at line %d; add the key by hand", open.line)
}

// nextLine returns the offset where the line after token i starts (after
// any heredoc bodies begun on its line), or -1 at the end of the file.
func (f *file) nextLine(i int) int {
	for j := i + 1; j < len(f.toks); j++ {
		if f.toks[j].kind == tNewline {
			return f.toks[j].resume
		}
	}
	return -1
}

// restIsBlank reports whether only blanks or a comment follow off on its
// line.
func (f *file) restIsBlank(off int) bool {
	end := f.lineEnd(off)
	rest := strings.TrimRight(string(f.src[off:end]), "\r\n")
	rest = strings.TrimLeft(rest, " \t")
	return rest == "" || strings.HasPrefix(rest, "#")
}

type editLines struct {
	inserted, changed []int
}

// applyEdits applies non-overlapping edits and reports, per edit, the
// lines of the output it inserted or changed.
func applyEdits(src []byte, edits []textEdit) ([]byte, []editLines) {
	order := make([]int, len(edits))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return edits[order[a]].off < edits[order[b]].off })
	var out bytes.Buffer
	lines := make([]editLines, len(edits))
	pos, shift := 0, 0
	for _, k := range order {
		te := edits[k]
		out.Write(src[pos:te.off])
		oldLine := 1 + bytes.Count(src[:te.off], []byte("\n"))
		newLine := oldLine + shift
		if te.lines {
			n := strings.Count(te.ins, "\n")
			for i := 0; i < n; i++ {
				lines[k].inserted = append(lines[k].inserted, newLine+i)
			}
			shift += n
		} else {
			lines[k].changed = append(lines[k].changed, newLine)
		}
		out.WriteString(te.ins)
		pos = te.off + te.del
	}
	out.Write(src[pos:])
	return out.Bytes(), lines
}

// verify re-reads the edited source: the file must still be understood,
// every edited specification must now require MFA, the others must be as
// they were, and only the reported lines may differ.
func verify(e *Edit, before *Analysis, opts FixOptions) error {
	after, err := AnalyzeWith(e.New, e.Path, AnalyzeOptions{Read: opts.Read})
	if err != nil {
		return err
	}
	if len(after.Specs) != len(before.Specs) {
		return fmt.Errorf("found %d specifications after the edit, %d before", len(after.Specs), len(before.Specs))
	}
	fixed := map[int]bool{}
	for _, sf := range e.Specs {
		if sf.Action != ActionNone && sf.Action != ActionUnfixed {
			fixed[sf.index] = true
		}
	}
	for i, s := range after.Specs {
		b := before.Specs[i]
		if fixed[i] {
			if s.State != Required {
				return fmt.Errorf("specification at line %d is %s after the edit: %s", b.Line, s.State, s.Detail)
			}
		} else if s.State != b.State || s.Value != b.Value {
			return fmt.Errorf("specification at line %d changed from %s to %s", b.Line, b.State, s.State)
		}
	}
	var ins, chg []int
	for _, sf := range e.Specs {
		ins = append(ins, sf.Inserted...)
		chg = append(chg, sf.Changed...)
	}
	return checkLines(e.Old, e.New, ins, chg)
}

// checkLines confirms that new differs from old only by the inserted lines
// and in the changed lines (numbers refer to new).
func checkLines(old, new []byte, inserted, changed []int) error {
	ol := splitLines(old)
	nl := splitLines(new)
	skip := map[int]bool{}
	for _, n := range inserted {
		skip[n] = true
	}
	chg := map[int]bool{}
	for _, n := range changed {
		chg[n] = true
	}
	var kept []int // new line numbers that map to old lines
	for i := range nl {
		if !skip[i+1] {
			kept = append(kept, i+1)
		}
	}
	if len(kept) != len(ol) {
		return fmt.Errorf("%d lines before, %d after, %d inserted", len(ol), len(nl), len(inserted))
	}
	for i, n := range kept {
		if nl[n-1] != ol[i] && !chg[n] {
			return fmt.Errorf("line %d changed unexpectedly", n)
		}
		if nl[n-1] == ol[i] && chg[n] {
			return fmt.Errorf("line %d reported changed but is not", n)
		}
	}
	return nil
}

// splitLines splits after each "\n", keeping line endings; a last line
// without a newline is kept as is.
func splitLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}
