// Package gemspec reads a gem's .gemspec source and says whether it
// requires MFA for pushes to RubyGems.org (metadata["rubygems_mfa_required"]
// cast to true), and adds that requirement in the file's own style.
//
// It never evaluates Ruby. It lexes the source (strings of every quote
// style, heredocs, %-literals, comments) and follows the handful of shapes
// real gemspecs use to set metadata. Anything it cannot follow with
// confidence is reported, with the file and line, and never edited.
package gemspec

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
)

// MFAKey is the metadata key RubyGems.org reads.
const MFAKey = "rubygems_mfa_required"

// State is what a specification says about the MFA requirement.
type State string

// The states of a specification.
const (
	// Required: the key is set to a String RubyGems.org casts to true.
	Required State = "required"
	// Missing: nothing sets the key.
	Missing State = "missing"
	// CommentedOut: nothing sets the key, but the commented-out line of
	// the `bundle gem` template is there to be uncommented.
	CommentedOut State = "commented-out"
	// OptedOut: the key is set to a String cast to false ("false", "0", …).
	OptedOut State = "opted-out"
	// Invalid: RubyGems refuses to build the specification as written
	// (Symbol metadata keys, non-String values).
	Invalid State = "invalid"
	// Computed: the value comes from code mfaudit does not follow (a
	// helper, a constant from another file, a conditional).
	Computed State = "computed"
)

// Protected reports whether a released gem built from this state requires
// MFA.
func (s State) Protected() bool { return s == Required }

// SkipKind says why a file or specification is not a candidate for the
// MFA line.
type SkipKind string

// The reasons to skip.
const (
	SkipTemplate  SkipKind = "template"  // a generator template, not a gem
	SkipGenerated SkipKind = "generated" // written by a tool: change its source
	SkipEval      SkipKind = "eval"      // only evaluates another gemspec
	SkipVendored  SkipKind = "vendored"  // a copy of someone else's gem
	SkipPushHost  SkipKind = "push-host" // not published to RubyGems.org
)

// Skip explains why a file or specification must not be edited.
type Skip struct {
	Kind   SkipKind
	Line   int // 0 when it depends on the path alone
	Reason string
}

// Judged reports whether a gem gate should still judge the specification's
// state: generated files describe real gems, the other kinds do not.
func (s *Skip) Judged() bool { return s == nil || s.Kind == SkipGenerated }

// Analysis is what Analyze found in one file.
type Analysis struct {
	Path string
	// Skip is set when the whole file must not be edited.
	Skip *Skip
	// Specs lists the Gem::Specification.new blocks in source order.
	Specs []Spec
}

// Spec describes one Gem::Specification.new block.
type Spec struct {
	// Name is the gem name when it is a literal String, else "".
	Name string
	// Var is the block variable ("spec", "s", ...).
	Var string
	// Line is the line of Gem::Specification.new; EndLine that of the
	// block's end.
	Line, EndLine int
	State         State
	// StateLine is the line of the statement that decides State (0 when
	// nothing does).
	StateLine int
	// Value is the literal value of the key when there is one.
	Value string
	// Detail explains the state in a sentence.
	Detail string
	// Skip is set when this specification must not be edited (for a
	// file-level reason, see Analysis.Skip).
	Skip *Skip
	// Notes are remarks that do not change State, such as an
	// allowed_push_host of RubyGems.org written as a bare host.
	Notes []string
}

// Analyze reads gemspec source and reports, for each specification, its
// MFA state. path is used to recognise templates and vendored copies and
// to name the file in errors. A file that cannot be read with confidence
// returns a *SyntaxError. It reads no other file: see AnalyzeWith.
func Analyze(src []byte, path string) (*Analysis, error) {
	return AnalyzeWith(src, path, AnalyzeOptions{})
}

// AnalyzeOptions extends what Analyze may look at.
type AnalyzeOptions struct {
	// Read, when set, returns the content of a file the gemspec loads
	// with require_relative or require File.expand_path(..., __dir__), so
	// that a helper the specification is handed to (Fino.metadata(spec),
	// spec.metadata = Fino::Metadata.for(spec)) can be read the same
	// text-only way. name is the file's path relative to the gemspec's
	// directory, cleaned and slash-separated; it may start with "../".
	// Read must refuse names outside the repository (FSReader does);
	// absolute paths are refused before it is called. Only the files the
	// gemspec itself requires are read (one level), each at most
	// MaxHelperSize bytes.
	//
	// Without Read, no helper is followed, not even one defined in the
	// gemspec itself: a call such as Fino.metadata(spec) is not seen as a
	// metadata write at all, as before helpers were followed.
	Read func(name string) ([]byte, error)
}

// AnalyzeWith is Analyze with options.
func AnalyzeWith(src []byte, path string, opts AnalyzeOptions) (*Analysis, error) {
	a, _, _, err := analyze(src, path, opts)
	return a, err
}

// specCtx is the working state of one specification.
type specCtx struct {
	Spec
	newTok      int // index of "Gem" in Gem::Specification.new
	bodyLo      int // first token of the block body
	closeTok    int // index of the block's end or "}"
	outer       string
	ops         []metaOp
	attrs       []stmt // top-level attribute assignments
	stopAt      int    // first dependency or files statement (index into body stmts), or -1
	bodyStmts   []stmt
	template    *comment // commented-out template line, if any
	decidingTok int      // token index of the deciding value
	// direct is set for a helper's parameter that is the metadata Hash
	// itself (Fino.metadata(spec.metadata)): writes are Var[KEY] = ....
	direct bool
	// helperArgs marks the tokens of the block variable that are the
	// argument of a helper call already recorded as a metaOp.
	helperArgs map[int]bool
	// external is set when the deciding value is in a helper's file, so
	// it cannot be edited here.
	external *helperResult
}

func analyze(src []byte, path string, opts AnalyzeOptions) (*Analysis, *file, []*specCtx, error) {
	a := &Analysis{Path: path}
	if s := pathSkip(path); s != nil && s.Kind == SkipTemplate {
		a.Skip = s
		return a, nil, nil, nil
	}
	f, err := parseFile(path, src)
	if err != nil {
		if s := pathSkip(path); s != nil {
			a.Skip = s
			return a, nil, nil, nil
		}
		return nil, nil, nil, err
	}
	// Helpers are followed only with a reader; without one the file is
	// read as it always was.
	f.read, f.follow = opts.Read, opts.Read != nil
	specs := f.findSpecs()
	if s := pathSkip(path); s != nil {
		a.Skip = s
	} else if s := f.generatedHeader(); s != nil {
		a.Skip = s
	}
	if len(specs) == 0 {
		if a.Skip != nil {
			return a, f, nil, nil
		}
		if line := f.evalLine(); line > 0 {
			a.Skip = &Skip{Kind: SkipEval, Line: line, Reason: "evaluates another gemspec instead of defining one; change that file"}
			return a, f, nil, nil
		}
		return nil, nil, nil, f.errorf(0, "no Gem::Specification.new block found")
	}
	var ctxs []*specCtx
	for _, sc := range specs {
		if err := f.resolveSpec(sc); err != nil {
			return nil, nil, nil, err
		}
		ctxs = append(ctxs, sc)
	}
	f.outerWrites(ctxs)
	for _, sc := range ctxs {
		f.judge(sc)
		a.Specs = append(a.Specs, sc.Spec)
	}
	return a, f, ctxs, nil
}

// pathSkip recognises templates and vendored copies by their path.
func pathSkip(path string) *Skip {
	base := filepath.Base(path)
	for _, ext := range []string{".tt", ".erb", ".mustache", ".tmpl", ".template", ".liquid"} {
		if strings.HasSuffix(base, ext) {
			return &Skip{Kind: SkipTemplate, Reason: "a template (" + ext + "), not a gem's gemspec"}
		}
	}
	parts := strings.Split(filepath.ToSlash(filepath.Clean(path)), "/")
	for i, p := range parts[:len(parts)-1] {
		switch {
		case p == "vendor" || p == ".bundle":
			return &Skip{Kind: SkipVendored, Reason: "vendored under " + strings.Join(parts[:i+1], "/") + "/"}
		case p == "specifications" && i == len(parts)-2:
			return &Skip{Kind: SkipVendored, Reason: "an installed gem's specification (specifications/)"}
		}
	}
	return nil
}

// generatedMarkers are header comments of generated gemspecs: the
// Gem::Specification#to_ruby stub line, jeweler's and code generators'
// warnings, dry-rb's repo-sync and devtools notes.
var generatedMarkers = []*regexp.Regexp{
	regexp.MustCompile(`(?i)^#\s*stub:`),
	regexp.MustCompile(`(?i)\bgenerated\b`),
	regexp.MustCompile(`(?i)\bdo not edit\b`),
	regexp.MustCompile(`(?i)\bjeweler\b`),
	regexp.MustCompile(`(?i)\bthis file is synced from\b`),
	// dry-rb's gemspecs before repo-sync: "this file is managed by
	// dry-rb/devtools project".
	regexp.MustCompile(`(?i)\bthis file is managed by\b`),
}

// generatedHeader looks for a generated-file marker in the comments that
// precede the first line of code.
func (f *file) generatedHeader() *Skip {
	firstCode := len(f.src)
	for _, t := range f.toks {
		if t.kind != tNewline {
			firstCode = t.start
			break
		}
	}
	for _, c := range f.comments {
		if c.start > firstCode {
			break
		}
		low := strings.ToLower(c.text)
		if !strings.Contains(low, "generated") && !strings.Contains(low, "do not edit") && !strings.Contains(low, "jeweler") &&
			!strings.Contains(low, "stub:") && !strings.Contains(low, "synced from") && !strings.Contains(low, "managed by") {
			continue
		}
		for _, m := range generatedMarkers {
			if m.MatchString(c.text) {
				return &Skip{Kind: SkipGenerated, Line: c.line, Reason: fmt.Sprintf("generated file (%s); change its source instead", strings.TrimSpace(strings.TrimLeft(c.text, "#")))}
			}
		}
	}
	// Gem::Specification#to_ruby output without its stub line (older
	// RubyGems): it sets rubygems_version and date, and lists files as
	// literals. Hand-written files that copied those lines compute their
	// file lists (Dir[...], `git ls-files`), so they are not taken for it.
	versionLine, date, dynamic := 0, false, false
	for i := range f.toks {
		t := &f.toks[i]
		switch {
		case t.kind == tIdent && t.afterDot && t.text == "rubygems_version" && f.isOp(i+1, "="):
			versionLine = t.line
		case t.kind == tIdent && t.afterDot && t.text == "date" && f.isOp(i+1, "="):
			date = true
		case t.kind == tConst && (t.text == "Dir" || t.text == "IO") && !t.afterDot,
			t.kind == tString && strings.HasPrefix(t.text, "`"),
			t.kind == tString && strings.HasPrefix(t.text, "%x"):
			dynamic = true
		}
	}
	if versionLine > 0 && date && !dynamic {
		return &Skip{Kind: SkipGenerated, Line: versionLine, Reason: "written by Gem::Specification#to_ruby (sets rubygems_version and date, literal file list); change its source instead"}
	}
	return nil
}

// evalLine returns the line of an eval/instance_eval/Gem::Specification.load
// call, or 0.
func (f *file) evalLine() int {
	for i, t := range f.toks {
		if t.kind == tIdent && (t.text == "eval" || t.text == "instance_eval" || t.text == "load" && i >= 2 && f.toks[i-2].text == "Specification") {
			return t.line
		}
	}
	return 0
}

// findSpecs finds every Gem::Specification.new block.
func (f *file) findSpecs() []*specCtx {
	var out []*specCtx
	for k := 0; k+4 < len(f.toks); k++ {
		if !(f.toks[k].kind == tConst && f.toks[k].text == "Gem" && f.isOp(k+1, "::") &&
			f.toks[k+2].kind == tConst && f.toks[k+2].text == "Specification" && f.isOp(k+3, ".") &&
			f.toks[k+4].text == "new") {
			continue
		}
		sc := &specCtx{newTok: k, stopAt: -1, decidingTok: -1}
		sc.Line = f.toks[k].line
		sc.closeTok = -1
		if k >= 2 && f.isOp(k-1, "=") && f.toks[k-2].kind == tIdent {
			sc.outer = f.toks[k-2].text
		} else if k >= 3 && f.isOp(k-1, "::") && f.isOp(k-2, "=") && f.toks[k-3].kind == tIdent {
			sc.outer = f.toks[k-3].text
		}
		out = append(out, sc)
		k += 4
	}
	return out
}

// resolveSpec finds the block, its variable, name and metadata statements.
func (f *file) resolveSpec(sc *specCtx) error {
	k := sc.newTok
	line := f.toks[k].line
	j := k + 5
	argLo, argHi := -1, -1
	if f.isOp(j, "(") && !f.toks[j].spaceBefore {
		argLo, argHi = j+1, f.match[j]
		j = f.match[j] + 1
	} else {
		argLo = j
		for j < len(f.toks) && f.toks[j].kind != tNewline && !f.isKw(j, "do") && !f.isOp(j, "{", ";") {
			if m := f.match[j]; m > j {
				j = m
			}
			j++
		}
		argHi = j
	}
	if argLo >= 0 && argHi > argLo && f.toks[argLo].kind == tString && f.toks[argLo].lit && (argLo+1 == argHi || f.isOp(argLo+1, ",")) {
		sc.Name = f.toks[argLo].val
	}
	if !(f.isKw(j, "do") || f.isOp(j, "{")) {
		return f.errorf(line, "Gem::Specification.new without a block is not supported")
	}
	sc.closeTok = f.match[j]
	if !f.isOp(j+1, "|") || j+2 >= len(f.toks) || f.toks[j+2].kind != tIdent || keywords[f.toks[j+2].text] {
		return f.errorf(line, "Gem::Specification.new block has no block variable (|spec|)")
	}
	sc.Var = f.toks[j+2].text
	p := j + 3
	for p < sc.closeTok && !f.isOp(p, "|") && f.match[p] < 0 && f.toks[p].kind != tNewline {
		p++
	}
	if p >= sc.closeTok || !f.isOp(p, "|") {
		return f.errorf(line, "cannot read the block parameters of Gem::Specification.new")
	}
	sc.bodyLo = p + 1
	sc.EndLine = f.toks[sc.closeTok].line
	sc.bodyStmts = f.statements(sc.bodyLo, sc.closeTok)
	f.scanBody(sc, sc.bodyStmts, false)
	if f.follow {
		f.passedSpec(sc)
	}
	f.findTemplateLine(sc)
	return nil
}

// metaOp is one statement that writes metadata.
type metaOp struct {
	kind opKind
	// anchor is the statement, at the block's top level or in a
	// respond_to?(:metadata) branch, that holds the write.
	anchor      stmt
	pos         int // token where the write starts, for source order
	line        int
	conditional bool   // inside a conditional, loop or block
	recv        string // the receiver as written ("spec")
	hash        *hashLit
	frozen      bool
	symbolOK    bool // keys pass through transform_keys(&:to_s)
	source      string
	keyTok      int // opIndex: the key token
	valLo       int // opIndex: value tokens [valLo, valHi)
	valHi       int
	// helper is the followed helper of an opHelper, or of an opAssign or
	// opMerge whose value is a helper's result.
	helper *helperResult
}

type opKind int

const (
	opHash   opKind = iota // recv.metadata = { ... }
	opAssign               // recv.metadata = EXPR (not a literal)
	opIndex                // recv.metadata[KEY] = VALUE
	opMerge                // recv.metadata.merge!(...)
	opOther                // any other write
	opHelper               // Helper.name(recv) or Helper.name(recv.metadata)
)

// hashLit is a literal Hash in the source.
type hashLit struct {
	open, close   int // token indices of "{" and "}" (or "(" ")" for bare args)
	entries       []hashEntry
	trailingComma int // token index, or -1
}

type keyKind int

const (
	keyString keyKind = iota
	keySymbol
	keyOther
	keySplat
)

type hashEntry struct {
	lo, hi       int // tokens [lo, hi)
	kind         keyKind
	key          string
	keyTok       int
	arrow        int // index of "=>", or -1 for a label
	valLo, valHi int
}

// parseHash reads the entries between tokens open and close.
func (f *file) parseHash(open, close int) *hashLit {
	h := &hashLit{open: open, close: close, trailingComma: -1}
	i := open + 1
	for i < close {
		for i < close && f.toks[i].kind == tNewline {
			i++
		}
		if i >= close {
			break
		}
		lo := i
		for i < close && !f.isOp(i, ",") {
			if m := f.match[i]; m > i {
				i = m
			}
			i++
		}
		hi := i
		for hi > lo && f.toks[hi-1].kind == tNewline {
			hi--
		}
		e := hashEntry{lo: lo, hi: hi, kind: keyOther, keyTok: lo, arrow: -1}
		t := &f.toks[lo]
		switch {
		case f.isOp(lo, "**"):
			e.kind = keySplat
		case t.kind == tLabel || t.kind == tStrLabel:
			e.kind, e.key = keySymbol, t.val
			e.valLo = lo + 1
		default:
			a := lo
			for a < hi && !f.isOp(a, "=>") {
				if m := f.match[a]; m > a {
					a = m
				}
				a++
			}
			if a < hi {
				e.arrow = a
				e.valLo = a + 1
				if a == lo+1 {
					switch {
					case t.kind == tString && t.lit && t.quote != 0 || t.kind == tString && t.lit && strings.HasPrefix(t.text, "%"):
						e.kind, e.key = keyString, t.val
					case t.kind == tSymbol:
						e.kind, e.key = keySymbol, t.val
					}
				}
			}
		}
		for e.valLo < hi && f.toks[e.valLo].kind == tNewline {
			e.valLo++
		}
		e.valHi = hi
		h.entries = append(h.entries, e)
		if i < close && f.isOp(i, ",") {
			j := i + 1
			for j < close && f.toks[j].kind == tNewline {
				j++
			}
			if j >= close {
				h.trailingComma = i
			}
			i++
		}
	}
	return h
}

// literalValue returns a String literal value in tokens [lo, hi) (a
// string optionally followed by .freeze), the token holding it, and
// whether it is one.
func (f *file) literalValue(lo, hi int) (string, int, bool) {
	for hi > lo && f.toks[hi-1].kind == tNewline {
		hi--
	}
	if hi-lo == 3 && f.isOp(lo+1, ".") && f.toks[lo+2].text == "freeze" {
		hi = lo + 1
	}
	if hi-lo != 1 {
		return "", -1, false
	}
	t := &f.toks[lo]
	if t.kind == tString && t.lit && (t.quote != 0 || strings.HasPrefix(t.text, "%")) {
		return t.val, lo, true
	}
	return "", -1, false
}

// nonString reports whether tokens [lo, hi) are a literal that is not a
// String (true, false, nil, a number, a Symbol).
func (f *file) nonString(lo, hi int) bool {
	if hi-lo != 1 {
		return false
	}
	t := &f.toks[lo]
	switch t.kind {
	case tNumber, tSymbol:
		return true
	case tIdent:
		return t.text == "true" || t.text == "false" || t.text == "nil"
	}
	return false
}

// guardCond reports whether tokens [lo, hi) are recv.respond_to?(:metadata)
// (or :metadata=).
func (f *file) guardCond(lo, hi int, recv string) bool {
	c := f.compact(lo, hi)
	c = strings.TrimSuffix(c, "then")
	for _, form := range []string{"%s.respond_to?(:metadata)", "%s.respond_to?:metadata", "%s.respond_to?(:metadata=)", "%s.respond_to?:metadata="} {
		if c == fmt.Sprintf(form, recv) {
			return true
		}
	}
	return false
}

// scanBody records the metadata writes and attribute assignments of
// statements at one level of the block.
func (f *file) scanBody(sc *specCtx, stmts []stmt, guarded bool) {
	for _, s := range stmts {
		lo, hi := s.lo, s.hi
		// if recv.respond_to?(:metadata) ... [else ...] end
		if f.isKw(lo, "if") && f.match[lo] == hi-1 {
			condEnd := lo + 1
			for condEnd < hi && f.toks[condEnd].kind != tNewline && !f.isOp(condEnd, ";") && !f.isKw(condEnd, "then") {
				if m := f.match[condEnd]; m > condEnd {
					condEnd = m
				}
				condEnd++
			}
			if f.guardCond(lo+1, condEnd, sc.Var) {
				elseAt := hi - 1
				for i := condEnd; i < hi-1; i++ {
					if m := f.match[i]; m > i {
						i = m
						continue
					}
					if f.isKw(i, "else", "elsif") {
						elseAt = i
						break
					}
				}
				f.scanBody(sc, f.statements(condEnd+1, elseAt), true)
				if elseAt < hi-1 {
					f.nestedWrites(sc, s, elseAt, hi-1)
				}
				continue
			}
		}
		// A trailing "if recv.respond_to? :metadata=" modifier.
		for i := lo + 1; i < hi; i++ {
			if m := f.match[i]; m > i {
				i = m
				continue
			}
			if f.isKw(i, "if") && f.guardCond(i+1, hi, sc.Var) {
				hi = i
				break
			}
		}
		if f.metaStmt(sc, s, lo, hi) {
			continue
		}
		if f.follow && f.modifier(lo, hi) < 0 {
			if c, ok := f.callShape(sc, lo, hi); ok {
				op := metaOp{kind: opHelper, anchor: s, pos: lo, line: f.toks[lo].line, recv: sc.Var, keyTok: -1, source: c.text}
				op.helper = f.followHelper(sc, c)
				sc.ops = append(sc.ops, op)
				continue
			}
		}
		if !guarded && f.toks[lo].kind == tIdent && f.toks[lo].text == sc.Var && f.isOp(lo+1, ".") && lo+2 < hi {
			name := f.toks[lo+2].text
			switch {
			case f.isOp(lo+3, "=") && f.toks[lo+2].kind == tIdent:
				sc.attrs = append(sc.attrs, s)
				if name == "name" {
					if v, _, ok := f.literalValue(lo+4, hi); ok {
						sc.Name = v
					}
				}
				if name == "files" && sc.stopAt < 0 {
					sc.stopAt = len(sc.attrs) - 1
				}
			case strings.HasPrefix(name, "add_") && strings.HasSuffix(name, "dependency") && sc.stopAt < 0:
				sc.stopAt = len(sc.attrs)
			}
		}
		f.nestedWrites(sc, s, lo, hi)
	}
}

// metaStmt handles a statement that is itself a metadata write. It
// reports whether it was one.
func (f *file) metaStmt(sc *specCtx, s stmt, lo, hi int) bool {
	i, ok := f.metaRef(sc, lo, hi)
	if !ok {
		return false
	}
	op := metaOp{anchor: s, pos: lo, line: f.toks[lo].line, recv: sc.Var, keyTok: -1}
	cond := f.modifier(lo, hi)
	if cond >= 0 {
		op.conditional = true
		hi = cond
	}
	switch {
	case sc.direct && f.isOp(i, "="):
		// The parameter is rebound: later writes reach another Hash.
		op.kind, op.source = opOther, f.text(lo, hi)
	case f.isOp(i, "="):
		v := i + 1
		if f.isOp(v, "{") {
			c := f.match[v]
			rest := f.compact(c+1, hi)
			if rest == "" || rest == ".freeze" {
				op.kind, op.hash, op.frozen = opHash, f.parseHash(v, c), rest == ".freeze"
				break
			}
		}
		op.kind, op.source = opAssign, f.text(v, hi)
		if f.follow {
			if c, ok := f.callShape(sc, v, hi); ok {
				op.helper = f.followHelper(sc, c)
			}
		}
		if hi-v == 1 && (f.toks[v].kind == tIdent || f.toks[v].kind == tConst) {
			if h, frozen, ok := f.resolveName(f.toks[v].text, v); ok {
				op.hash, op.frozen = h, frozen
			}
		}
	case f.isOp(i, "[") && f.match[i] > i:
		after := f.match[i] + 1
		switch {
		case f.isOp(after, "="):
			op.kind = opIndex
			op.keyTok = i + 1
			if f.match[i] != i+2 {
				op.keyTok = -1
			}
			op.valLo, op.valHi = after+1, hi
		case assignOp(f, after):
			op.kind, op.source = opOther, f.text(lo, hi)
		default:
			return false // a read
		}
	case f.isOp(i, ".") && i+1 < hi && (f.toks[i+1].text == "merge!" || f.toks[i+1].text == "update"):
		op.kind, op.source = opMerge, f.text(i+2, hi)
		if f.isOp(i+2, "(") && f.match[i+2] == hi-1 {
			argLo, argHi := i+3, hi-1
			switch {
			case f.isOp(argLo, "{"):
				close := f.match[argLo]
				switch f.compact(close+1, argHi) {
				case "":
					op.hash = f.parseHash(argLo, close)
				case ".transform_keys(&:to_s)", ".transform_keys(&:to_s).freeze":
					op.hash, op.symbolOK = f.parseHash(argLo, close), true
				}
			case argHi-argLo == 1 && (f.toks[argLo].kind == tIdent || f.toks[argLo].kind == tConst):
				if h, _, ok := f.resolveName(f.toks[argLo].text, argLo); ok {
					op.hash = h
				}
			case argHi > argLo && strings.Contains(f.compact(argLo, argHi), "=>"):
				op.hash = f.parseHash(i+2, hi-1)
			case f.follow:
				if c, ok := f.callShape(sc, argLo, argHi); ok {
					op.helper = f.followHelper(sc, c)
				}
			}
		}
	case f.isOp(i, ".") && i+1 < hi && (strings.HasSuffix(f.toks[i+1].text, "!") || mutators[f.toks[i+1].text]):
		op.kind, op.source = opOther, f.text(lo, hi)
	case assignOp(f, i):
		op.kind, op.source = opOther, f.text(lo, hi)
	default:
		return false // a read, such as metadata.fetch(...)
	}
	sc.ops = append(sc.ops, op)
	return true
}

// metaRef reports whether the tokens at lo reference the metadata of
// sc's variable (Var.metadata, or Var itself for a direct Hash parameter),
// and returns the index of the token after the reference.
func (f *file) metaRef(sc *specCtx, lo, hi int) (int, bool) {
	t := &f.toks[lo]
	if t.kind != tIdent || t.text != sc.Var {
		return 0, false
	}
	if sc.direct {
		return lo + 1, lo+1 < hi && !t.afterDot
	}
	if f.isOp(lo+1, ".") && lo+2 < hi && f.toks[lo+2].text == "metadata" && f.toks[lo+2].kind == tIdent {
		return lo + 3, true
	}
	return 0, false
}

// assignOp reports whether token i is an assignment operator other than
// "=" (||=, +=, <<, ...).
func assignOp(f *file, i int) bool {
	return f.isOp(i, "||=", "&&=", "+=", "-=", "<<", "|=", "&=")
}

var mutators = map[string]bool{
	"store": true, "replace": true, "clear": true, "delete": true, "delete_if": true,
	"keep_if": true, "update": true, "merge!": true, "default=": true, "compare_by_identity": true,
}

// modifier returns the index of a trailing if/unless/while/until modifier
// at the top level of tokens [lo, hi), or -1.
func (f *file) modifier(lo, hi int) int {
	for i := lo + 1; i < hi; i++ {
		if m := f.match[i]; m > i {
			i = m
			continue
		}
		if f.isKw(i, "if", "unless", "while", "until", "rescue") {
			return i
		}
	}
	return -1
}

// nestedWrites records metadata writes nested anywhere inside tokens
// [lo, hi) of statement s as conditional writes.
func (f *file) nestedWrites(sc *specCtx, s stmt, lo, hi int) {
	for i := lo; i+1 < hi; i++ {
		after, ok := f.metaRef(sc, i, hi)
		if !ok {
			continue
		}
		end := after
		for end < hi && f.toks[end].kind != tNewline && !f.isOp(end, ";") {
			if m := f.match[end]; m > end {
				end = m
			}
			end++
		}
		if end > hi {
			end = hi
		}
		before := len(sc.ops)
		sub := stmt{lo: i, hi: end, term: -1}
		if f.metaStmt(sc, sub, i, end) {
			for k := before; k < len(sc.ops); k++ {
				sc.ops[k].anchor = s
				sc.ops[k].conditional = true
			}
		}
	}
}

// resolveName finds the single literal Hash assigned to name in the file
// (NAME = { ... } or NAME = { ... }.freeze) before token use.
func (f *file) resolveName(name string, use int) (h *hashLit, frozen bool, ok bool) {
	found := 0
	for i := 0; i+2 < len(f.toks); i++ {
		if f.toks[i].text != name || !(f.toks[i].kind == tIdent || f.toks[i].kind == tConst) || f.toks[i].afterDot || !f.isOp(i+1, "=") {
			continue
		}
		found++
		if !f.isOp(i+2, "{") || i > use {
			return nil, false, false
		}
		c := f.match[i+2]
		end := c + 1
		for end < len(f.toks) && f.toks[end].kind != tNewline && !f.isOp(end, ";") {
			end++
		}
		switch f.compact(c+1, end) {
		case "":
			h, frozen = f.parseHash(i+2, c), false
		case ".freeze":
			h, frozen = f.parseHash(i+2, c), true
		default:
			return nil, false, false
		}
	}
	return h, frozen, found == 1 && h != nil
}

// outerWrites treats metadata writes through the variable a spec was
// assigned to (spec = Gem::Specification.new do |s| ... end; spec.metadata
// ...) as writes the spec cannot be judged without.
func (f *file) outerWrites(specs []*specCtx) {
	for _, sc := range specs {
		if sc.outer == "" {
			continue
		}
		// Read the writes as if the outer variable were the block's.
		probe := &specCtx{Spec: Spec{Var: sc.outer}}
		for i := sc.closeTok + 1; i+2 < len(f.toks); i++ {
			if !(f.toks[i].kind == tIdent && f.toks[i].text == sc.outer && f.isOp(i+1, ".") && f.toks[i+2].text == "metadata") {
				continue
			}
			end := i + 3
			for end < len(f.toks) && f.toks[end].kind != tNewline && !f.isOp(end, ";") {
				if m := f.match[end]; m > end {
					end = m
				}
				end++
			}
			if f.metaStmt(probe, stmt{lo: i, hi: end, term: -1}, i, end) {
				sc.ops = append(sc.ops, metaOp{kind: opOther, line: f.toks[i].line, conditional: true, anchor: stmt{lo: i, hi: end, term: -1}, pos: i, keyTok: -1, source: "outside the block"})
			}
		}
	}
}

var templateLine = regexp.MustCompile(`^#\s*(\w+)\.metadata\[(["'])` + MFAKey + `(["'])\]\s*=\s*(["'])true(["'])\s*$`)

// findTemplateLine finds the commented-out line `bundle gem` writes,
// between the block's statements and after the last whole-hash write.
func (f *file) findTemplateLine(sc *specCtx) {
	lo, hi := f.toks[sc.bodyLo].start, f.toks[sc.closeTok].start
	for ci := range f.comments {
		c := &f.comments[ci]
		if c.start < lo || c.start > hi {
			continue
		}
		m := templateLine.FindStringSubmatch(c.text)
		if m == nil || m[1] != sc.Var || m[2] != m[3] || m[4] != m[5] {
			continue
		}
		ls := f.lineStart(c.start)
		if strings.Trim(string(f.src[ls:c.start]), " \t") != "" {
			continue
		}
		// Uncommented, the line must be a statement of its own: not
		// inside another one, nor joined to one that continues past its
		// line (a trailing operator, a backslash) or to a leading-dot
		// chain on the next line.
		inside := false
		for _, s := range sc.bodyStmts {
			if s.hi <= s.lo {
				continue
			}
			end := f.toks[s.hi-1].end
			if s.term >= 0 {
				end = f.toks[s.term].start
			}
			if f.toks[s.lo].start < c.start && c.start < end {
				inside = true
			}
		}
		for k := sc.bodyLo; k < sc.closeTok; k++ {
			if f.toks[k].start < c.start || f.toks[k].kind == tNewline {
				continue
			}
			if f.isOp(k, ".", "&.") {
				inside = true
			}
			break
		}
		if !inside {
			sc.template = c
		}
	}
}

// castBool is RubyGems.org's reading of the value (Rails' Boolean cast).
func castBool(s string) bool {
	switch s {
	case "", "0", "f", "F", "false", "FALSE", "off", "OFF":
		return false
	}
	return true
}

// verdict is what the writes read so far say about one key.
type verdict struct {
	state State
	line  int // line in the gemspec
	value string
	tok   int // token of the value in the gemspec, or -1
	why   string
	// ext is set when the value is written in a helper's file, at line
	// extLine there.
	ext     *helperResult
	extLine int
}

// judgement is the running reading of the metadata writes.
type judgement struct {
	mfa, host verdict
	invalid   *verdict
	followed  []*helperResult // helpers whose writes were read
}

// site says where writes sit: in the gemspec (h nil), or in the file of
// helper h, called at line call of the gemspec.
type site struct {
	f    *file
	h    *helperResult
	call int
}

func (w site) verdict(st State, line, tok int) verdict {
	if w.h == nil {
		return verdict{state: st, line: line, tok: tok}
	}
	return verdict{state: st, line: w.call, tok: -1, ext: w.h, extLine: line}
}

func (w site) computed(line int, why string) verdict {
	v := w.verdict(Computed, line, -1)
	if w.h != nil {
		why += fmt.Sprintf(", in %s (%s:%d)", w.h.call, w.h.name, line)
	}
	v.why = why
	return v
}

func (w site) invalid(line int, why string) *verdict {
	v := w.verdict(Invalid, line, -1)
	if w.h != nil {
		why += fmt.Sprintf(", in %s (%s:%d)", w.h.call, w.h.name, line)
	}
	v.why = why
	return &v
}

// value reads the value of a key in tokens [lo, hi) of w's file.
func (w site) value(lo, hi, line int) verdict {
	f := w.f
	if v, tok, ok := f.literalValue(lo, hi); ok {
		st := OptedOut
		if castBool(v) {
			st = Required
		}
		out := w.verdict(st, line, tok)
		out.value = v
		return out
	}
	if f.nonString(lo, hi) {
		return *w.invalid(line, fmt.Sprintf("metadata values must be Strings (%s)", f.text(lo, hi)))
	}
	return w.computed(line, fmt.Sprintf("the value is computed (%s)", f.text(lo, hi)))
}

func (j *judgement) reset() {
	j.mfa, j.host, j.invalid = verdict{state: Missing, tok: -1}, verdict{state: Missing, tok: -1}, nil
}

func (j *judgement) applyHash(w site, h *hashLit, symbolOK, reset bool) {
	f := w.f
	if reset {
		j.reset()
	}
	for _, e := range h.entries {
		line := f.toks[e.lo].line
		switch {
		case e.kind == keySymbol && !symbolOK:
			j.invalid = w.invalid(line, fmt.Sprintf("metadata keys must be Strings, not Symbols (%s)", f.text(e.keyTok, e.keyTok+1)))
		case e.kind == keySplat || e.kind == keyOther:
			j.mfa = w.computed(line, fmt.Sprintf("metadata comes from %s", f.text(e.lo, e.hi)))
			j.host = verdict{state: Computed, tok: -1}
		}
		if e.kind == keyString || e.kind == keySymbol {
			switch e.key {
			case MFAKey:
				j.mfa = w.value(e.valLo, e.valHi, line)
			case "allowed_push_host":
				j.host = w.value(e.valLo, e.valHi, line)
			}
		}
	}
}

// helperFailed records a helper that cannot be followed.
func (j *judgement) helperFailed(w site, line int, h *helperResult, what string) {
	j.mfa = w.computed(line, fmt.Sprintf("metadata is %s %s, which mfaudit cannot follow: %s", what, h.call, h.why))
	j.host = verdict{state: Computed, tok: -1}
}

// apply reads the metadata writes ops of w's file in order.
func (j *judgement) apply(w site, ops []metaOp) {
	f := w.f
	for k := range ops {
		op := &ops[k]
		if op.conditional {
			// Conditional writes of other literal keys do not matter.
			if op.kind == opIndex && op.keyTok >= 0 {
				if kt := &f.toks[op.keyTok]; kt.kind == tString && kt.lit && kt.val != MFAKey && kt.val != "allowed_push_host" {
					continue
				}
			}
			why := "metadata is changed conditionally or in a loop"
			if op.kind == opOther && strings.HasPrefix(op.source, "the specification is passed to ") {
				why = op.source
			}
			j.mfa = w.computed(op.line, why)
			continue
		}
		inner := site{f: w.f, h: w.h, call: w.call}
		if op.helper != nil && w.h == nil {
			inner = site{f: op.helper.file, h: op.helper, call: op.line}
		}
		switch op.kind {
		case opHash:
			j.applyHash(w, op.hash, op.symbolOK, true)
		case opAssign:
			switch {
			case op.hash != nil:
				j.applyHash(w, op.hash, op.symbolOK, true)
			case op.helper != nil && op.helper.why != "":
				j.helperFailed(w, op.line, op.helper, "assigned from")
				j.invalid = nil
			case op.helper != nil && op.helper.ret == nil:
				j.mfa, j.host, j.invalid = w.computed(op.line, fmt.Sprintf("metadata is assigned from %s, which does not return a literal Hash (%s:%d)", op.helper.call, op.helper.name, op.helper.line)), verdict{state: Computed, tok: -1}, nil
			case op.helper != nil:
				j.apply(inner, op.helper.ops)
				j.applyHash(inner, op.helper.ret, false, true)
				j.followed = append(j.followed, op.helper)
			default:
				j.mfa, j.host, j.invalid = w.computed(op.line, fmt.Sprintf("metadata is assigned from %s, defined elsewhere", op.source)), verdict{state: Computed, tok: -1}, nil
			}
		case opMerge:
			switch {
			case op.hash != nil:
				j.applyHash(w, op.hash, op.symbolOK, false)
			case op.helper != nil && op.helper.why != "":
				j.helperFailed(w, op.line, op.helper, "merged from")
			case op.helper != nil && op.helper.ret == nil:
				j.mfa = w.computed(op.line, fmt.Sprintf("metadata is merged from %s, which does not return a literal Hash (%s:%d)", op.helper.call, op.helper.name, op.helper.line))
				j.host = verdict{state: Computed, tok: -1}
			case op.helper != nil:
				j.apply(inner, op.helper.ops)
				j.applyHash(inner, op.helper.ret, false, false)
				j.followed = append(j.followed, op.helper)
			default:
				j.mfa = w.computed(op.line, fmt.Sprintf("metadata is merged from %s, defined elsewhere", op.source))
				j.host = verdict{state: Computed, tok: -1}
			}
		case opHelper:
			if op.helper.why != "" {
				j.helperFailed(w, op.line, op.helper, "handed to")
				continue
			}
			j.apply(inner, op.helper.ops)
			j.followed = append(j.followed, op.helper)
		case opIndex:
			if op.keyTok < 0 {
				j.mfa = w.computed(op.line, "metadata is set with a computed key")
				continue
			}
			kt := &f.toks[op.keyTok]
			switch {
			case kt.kind == tSymbol:
				j.invalid = w.invalid(op.line, fmt.Sprintf("metadata keys must be Strings, not Symbols (%s)", kt.text))
			case kt.kind == tString && kt.lit:
				switch kt.val {
				case MFAKey:
					j.mfa = w.value(op.valLo, op.valHi, op.line)
				case "allowed_push_host":
					j.host = w.value(op.valLo, op.valHi, op.line)
				}
			default:
				j.mfa = w.computed(op.line, fmt.Sprintf("metadata is set with a computed key (%s)", kt.text))
			}
		case opOther:
			j.mfa = w.computed(op.line, fmt.Sprintf("metadata is changed by code mfaudit does not follow (%s)", truncate(op.source, 60)))
		}
	}
}

// judge decides the specification's state from its metadata writes.
func (f *file) judge(sc *specCtx) {
	var j judgement
	j.reset()
	j.apply(site{f: f}, sc.ops)
	mfa, host := j.mfa, j.host
	if j.invalid != nil {
		mfa = *j.invalid
	}
	sc.State, sc.StateLine, sc.Value = mfa.state, mfa.line, mfa.value
	sc.decidingTok = mfa.tok
	sc.external = mfa.ext
	by := ""
	if mfa.ext != nil {
		by = fmt.Sprintf(", set by %s in %s:%d", mfa.ext.call, mfa.ext.name, mfa.extLine)
	}
	switch mfa.state {
	case Required:
		sc.Detail = fmt.Sprintf("%s is %q", MFAKey, mfa.value) + by
	case OptedOut:
		sc.Detail = fmt.Sprintf("%s is %q, which RubyGems.org reads as false", MFAKey, mfa.value) + by
	case Invalid:
		sc.Detail = "RubyGems refuses to build it: " + mfa.why
	case Computed:
		sc.Detail = mfa.why
	case Missing:
		sc.Detail = "nothing sets metadata[\"" + MFAKey + "\"]"
		if len(j.followed) > 0 {
			var hs []string
			for _, h := range j.followed {
				hs = append(hs, fmt.Sprintf("%s (%s:%d)", h.call, h.name, h.line))
			}
			sc.Detail += "; followed " + strings.Join(hs, ", ") + ", which sets other metadata only"
		}
		if sc.template != nil && sc.template.start > f.lastWholeOffset(sc) {
			sc.State = CommentedOut
			sc.StateLine = sc.template.line
			sc.Detail = "the line setting " + MFAKey + " is commented out"
		}
	}
	if host.state == Required || host.state == OptedOut {
		switch kind, why := pushHost(host.value); kind {
		case hostBare:
			sc.Notes = append(sc.Notes, why)
		case hostOther:
			sc.Skip = &Skip{Kind: SkipPushHost, Line: host.line, Reason: why}
		}
	}
}

// lastWholeOffset returns the offset of the last whole-hash assignment of
// metadata, or -1.
func (f *file) lastWholeOffset(sc *specCtx) int {
	last := -1
	for _, op := range sc.ops {
		if op.kind == opHash || op.kind == opAssign || op.kind == opHelper && op.helper != nil && (op.helper.why != "" || op.helper.whole) {
			last = f.toks[op.anchor.lo].start
		}
	}
	return last
}

type hostKind int

const (
	hostRubyGems hostKind = iota // a URL of RubyGems.org
	hostBare                     // RubyGems.org written as a bare host
	hostOther                    // anything else: not published there
)

// bareHost matches a host name (with an optional port) written without a
// scheme.
var bareHost = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]+)?$`)

// pushHost classifies an allowed_push_host value and says, for a bare
// host or another server, why it matters.
func pushHost(v string) (hostKind, string) {
	t := strings.TrimSpace(v)
	if u, err := url.Parse(t); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		h := strings.ToLower(u.Hostname())
		if (h == "rubygems.org" || h == "www.rubygems.org") && (u.Path == "" || u.Path == "/") {
			return hostRubyGems, ""
		}
		return hostOther, fmt.Sprintf("allowed_push_host is %q, a server other than RubyGems.org, so the gem is not published there", v)
	}
	if bareHost.MatchString(t) {
		if strings.EqualFold(t, "rubygems.org") {
			return hostBare, fmt.Sprintf("allowed_push_host is %q, a bare host rather than a URL: RubyGems compares it with the push URL's scheme and host and expects \"https://rubygems.org\"", v)
		}
		return hostOther, fmt.Sprintf("allowed_push_host is %q, a host other than RubyGems.org, so the gem is not published there", v)
	}
	return hostOther, fmt.Sprintf("allowed_push_host is %q, which is not RubyGems.org's address, so gem push will not publish the gem there", v)
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
