package gemspec

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// MaxHelperSize is the largest file read to follow a helper; a larger one
// leaves the specification computed.
const MaxHelperSize = 256 << 10

// maxHelperFiles bounds how many required files are read for one gemspec.
const maxHelperFiles = 16

// FSReader returns a function for AnalyzeOptions.Read and FixOptions.Read
// that reads name relative to directory dir of fsys (a slash path, "."
// for the root). Names that leave fsys (through "..") are refused, as are
// files larger than MaxHelperSize. With an os.Root's FS, symbolic links
// cannot leave the root either.
func FSReader(fsys fs.FS, dir string) func(name string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		p := path.Join(dir, name)
		if path.IsAbs(name) || !fs.ValidPath(p) || !fs.ValidPath(dir) {
			return nil, fmt.Errorf("%s is outside the project", name)
		}
		f, err := fsys.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil {
			return nil, err
		} else if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", name)
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxHelperSize+1))
		if err != nil {
			return nil, err
		}
		if len(data) > MaxHelperSize {
			return nil, fmt.Errorf("%s is larger than %d KiB", name, MaxHelperSize>>10)
		}
		return data, nil
	}
}

// helperResult is a followed helper: a method the specification (or its
// metadata) is handed to, found in the gemspec or a file it requires.
type helperResult struct {
	call string // the call as written: Fino.metadata(spec)
	name string // the file holding the method, as given to Read
	line int    // line of the def there
	file *file
	// ops are the method's writes to its parameter's metadata.
	ops []metaOp
	// ret is the literal Hash the method returns, if it ends with one.
	ret       *hashLit
	retFrozen bool
	// wholeFrozen is set when the method's last whole assignment to the
	// metadata is a frozen Hash: no index line can follow the call.
	whole, wholeFrozen bool
	// why says why the helper cannot be followed ("" when it can).
	why string
}

// source is a file searched for helper definitions.
type source struct {
	name string
	file *file
	defs []defInfo
}

// call is a helper call in the gemspec.
type call struct {
	recv   string // "Fino::Metadata"; "" for a call without a receiver
	name   string // "for"
	direct bool   // the argument is Var.metadata
	arg    int    // token of the block variable in the argument
	text   string
}

func (c call) target() string {
	if c.recv == "" {
		return c.name
	}
	return c.recv + "." + c.name
}

// callShape recognises tokens [lo, hi) as a method call whose only
// argument is the specification (or its metadata):
// Mod::Name.meth(spec), meth(spec), Mod.meth spec.metadata.
func (f *file) callShape(sc *specCtx, lo, hi int) (call, bool) {
	var c call
	for hi > lo && f.toks[hi-1].kind == tNewline {
		hi--
	}
	if lo >= hi {
		return c, false
	}
	j := lo
	t := &f.toks[j]
	switch {
	case t.kind == tConst && !t.afterDot:
		var parts []string
		for j < hi && f.toks[j].kind == tConst {
			parts = append(parts, f.toks[j].text)
			if f.isOp(j+1, "::") && j+2 < hi && f.toks[j+2].kind == tConst {
				j += 2
				continue
			}
			break
		}
		j++
		if !f.isOp(j, ".", "::") || j+1 >= hi || f.toks[j+1].kind != tIdent {
			return c, false
		}
		c.recv, c.name = strings.Join(parts, "::"), f.toks[j+1].text
		j += 2
	case t.kind == tIdent && !t.afterDot && !keywords[t.text] && !valueKeywords[t.text] && t.text != sc.Var:
		c.name = t.text
		j++
	default:
		return c, false
	}
	var argLo, argHi int
	switch {
	case f.isOp(j, "(") && !f.toks[j].spaceBefore && f.match[j] == hi-1:
		argLo, argHi = j+1, hi-1
	case j < hi && f.toks[j].spaceBefore && f.toks[j].kind == tIdent:
		argLo, argHi = j, hi
	default:
		return c, false
	}
	var ts []int
	for k := argLo; k < argHi; k++ {
		if f.toks[k].kind != tNewline {
			ts = append(ts, k)
		}
	}
	isVar := func(k int) bool {
		return f.toks[k].kind == tIdent && !f.toks[k].afterDot && f.toks[k].text == sc.Var
	}
	switch {
	case len(ts) == 1 && isVar(ts[0]):
	case len(ts) == 3 && isVar(ts[0]) && f.isOp(ts[1], ".") && f.toks[ts[2]].kind == tIdent && f.toks[ts[2]].text == "metadata":
		c.direct = true
	default:
		return c, false
	}
	c.arg = ts[0]
	c.text = f.text(lo, hi)
	return c, true
}

// followHelper finds the method c calls and reads what it does to the
// specification's metadata.
func (f *file) followHelper(sc *specCtx, c call) *helperResult {
	if sc.helperArgs == nil {
		sc.helperArgs = map[int]bool{}
	}
	sc.helperArgs[c.arg] = true
	h := &helperResult{call: truncate(c.text, 60)}
	srcs, problems := f.helperSources()
	type found struct {
		src *source
		def defInfo
	}
	var hits []found
	for _, s := range srcs {
		for _, d := range s.defs {
			if d.name == c.name && (c.recv == "" && d.path == "" || c.recv != "" && d.path == strings.TrimPrefix(c.recv, "::") && d.singleton) {
				hits = append(hits, found{s, d})
			}
		}
	}
	target := c.target()
	switch {
	case len(hits) == 0 && len(problems) > 0:
		h.why = fmt.Sprintf("%s is not defined in the files mfaudit could read (%s)", target, strings.Join(problems, "; "))
		return h
	case len(hits) == 0:
		var names []string
		for _, s := range srcs[1:] {
			names = append(names, s.name)
		}
		if len(names) == 0 {
			h.why = fmt.Sprintf("%s is not defined in this file, which loads no other file with require_relative", target)
		} else {
			h.why = fmt.Sprintf("%s is defined neither in this file nor in %s (one level of require_relative is followed)", target, strings.Join(names, ", "))
		}
		return h
	case len(hits) > 1:
		var at []string
		for _, x := range hits {
			at = append(at, fmt.Sprintf("%s:%d", x.src.name, x.def.line))
		}
		h.why = fmt.Sprintf("%s is defined more than once (%s)", target, strings.Join(at, ", "))
		return h
	}
	hit := hits[0]
	h.name, h.line, h.file = hit.src.name, hit.def.line, hit.src.file
	switch {
	case len(problems) > 0:
		h.why = fmt.Sprintf("%s is defined in %s:%d, but another required file could redefine it (%s)", target, h.name, h.line, strings.Join(problems, "; "))
	case hit.def.uncertain:
		h.why = fmt.Sprintf("%s is defined conditionally or inside a block (%s:%d)", target, h.name, h.line)
	default:
		hit.src.file.readDef(h, hit.def, c.direct)
	}
	return h
}

// helperSources returns the gemspec itself and the files it requires
// with require_relative or require File.expand_path(..., __dir__), read
// through f.read, with the reasons any could not be read.
func (f *file) helperSources() ([]*source, []string) {
	self := &source{name: path.Base(strings.ReplaceAll(f.path, "\\", "/")), file: f, defs: f.collectDefs()}
	out := []*source{self}
	var problems []string
	reqs := f.requires()
	if len(reqs) > maxHelperFiles {
		problems = append(problems, fmt.Sprintf("the gemspec requires %d files, more than the %d mfaudit reads", len(reqs), maxHelperFiles))
		reqs = reqs[:maxHelperFiles]
	}
	if f.sources == nil {
		f.sources = map[string]*source{}
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.why != "" {
			problems = append(problems, r.why)
			continue
		}
		if seen[r.name] {
			continue
		}
		seen[r.name] = true
		if s, ok := f.sources[r.name]; ok {
			if s == nil {
				problems = append(problems, fmt.Sprintf("%s (line %d) cannot be read", r.name, r.line))
			} else {
				out = append(out, s)
			}
			continue
		}
		if f.read == nil {
			problems = append(problems, fmt.Sprintf("%s (line %d) was not read: no reader", r.name, r.line))
			continue
		}
		data, err := f.read(r.name)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s (line %d) cannot be read: %v", r.name, r.line, err))
			f.sources[r.name] = nil
			continue
		case len(data) > MaxHelperSize:
			problems = append(problems, fmt.Sprintf("%s (line %d) is larger than %d KiB", r.name, r.line, MaxHelperSize>>10))
			f.sources[r.name] = nil
			continue
		}
		g, err := parseFile(r.name, data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s cannot be read with confidence: %v", r.name, err))
			f.sources[r.name] = nil
			continue
		}
		s := &source{name: r.name, file: g, defs: g.collectDefs()}
		f.sources[r.name] = s
		out = append(out, s)
	}
	return out, problems
}

// requireRef is a file the gemspec loads.
type requireRef struct {
	name string // relative to the gemspec's directory, cleaned
	line int
	why  string // set when the path cannot be followed
}

// requires lists the files loaded with require_relative "x",
// require File.expand_path("x", __dir__) (or File.dirname(__FILE__)) and
// require File.expand_path("../x", __FILE__).
func (f *file) requires() []requireRef {
	var out []requireRef
	for i := range f.toks {
		t := &f.toks[i]
		if t.kind != tIdent || t.afterDot || (t.text != "require_relative" && t.text != "require") {
			continue
		}
		a := i + 1
		if f.isOp(a, "(") {
			a++
		}
		if a >= len(f.toks) {
			continue
		}
		if t.text == "require_relative" {
			s := &f.toks[a]
			if s.kind != tString || !s.lit || !(s.quote != 0 || strings.HasPrefix(s.text, "%")) {
				out = append(out, requireRef{line: t.line, why: fmt.Sprintf("require_relative at line %d has a computed path", t.line)})
				continue
			}
			out = append(out, relRequire(s.val, false, t.line))
			continue
		}
		// require File.expand_path(STR, BASE)
		if !(f.toks[a].kind == tConst && f.toks[a].text == "File" && f.isOp(a+1, ".") && a+2 < len(f.toks) && f.toks[a+2].text == "expand_path") {
			continue
		}
		open := a + 3
		if !f.isOp(open, "(") || f.match[open] < 0 {
			out = append(out, requireRef{line: t.line, why: fmt.Sprintf("require at line %d has a path mfaudit does not follow", t.line)})
			continue
		}
		close := f.match[open]
		s := &f.toks[open+1]
		if open+2 >= close || s.kind != tString || !s.lit || !(s.quote != 0 || strings.HasPrefix(s.text, "%")) || !f.isOp(open+2, ",") {
			out = append(out, requireRef{line: t.line, why: fmt.Sprintf("require at line %d has a path mfaudit does not follow", t.line)})
			continue
		}
		switch f.compact(open+3, close) {
		case "__dir__", "File.dirname(__FILE__)", "File.dirname(__FILE__.to_s)":
			out = append(out, relRequire(s.val, false, t.line))
		case "__FILE__":
			out = append(out, relRequire(s.val, true, t.line))
		default:
			out = append(out, requireRef{line: t.line, why: fmt.Sprintf("require at line %d has a path mfaudit does not follow", t.line)})
		}
	}
	return out
}

// relRequire turns a required path into a name for Read. fromFile means
// it is relative to the gemspec file itself (File.expand_path("../x",
// __FILE__)), so its first ".." only leaves the file.
func relRequire(p string, fromFile bool, line int) requireRef {
	r := requireRef{line: line}
	if p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || strings.HasPrefix(p, "\\") || len(p) >= 2 && p[1] == ':' || strings.ContainsAny(p, "\x00\\") {
		r.why = fmt.Sprintf("the file required at line %d (%q) is not a relative path inside the project", line, p)
		return r
	}
	if fromFile {
		if p != ".." && !strings.HasPrefix(p, "../") {
			r.why = fmt.Sprintf("the file required at line %d (%q) is relative to the gemspec file, not its directory", line, p)
			return r
		}
		p = strings.TrimPrefix(strings.TrimPrefix(p, ".."), "/")
		if p == "" {
			p = "."
		}
	}
	p = path.Clean(p)
	if p == "." || p == ".." || strings.HasSuffix(p, "/..") {
		r.why = fmt.Sprintf("the file required at line %d (%q) is a directory", line, p)
		return r
	}
	if !strings.HasSuffix(p, ".rb") {
		p += ".rb"
	}
	r.name = p
	return r
}

// defInfo is a method definition.
type defInfo struct {
	name string
	path string // "Fino::Metadata"; "" at the top level
	// singleton: callable on the module (def self.x, def Mod.x,
	// class << self, module_function, extend self).
	singleton bool
	// uncertain: inside a conditional, a block or an unnamed scope.
	uncertain bool
	tok       int // the "def"
	line      int
}

// collectDefs lists the method definitions of the file.
func (f *file) collectDefs() []defInfo {
	var out []defInfo
	f.defsIn(0, len(f.toks), "", false, false, &out)
	return out
}

func (f *file) bareWord(i int, word string) bool {
	t := &f.toks[i]
	if t.kind != tIdent || t.afterDot || t.text != word {
		return false
	}
	return i == 0 || f.toks[i-1].kind == tNewline || f.isOp(i-1, ";")
}

func (f *file) defsIn(lo, hi int, scope string, singleton, uncertain bool, out *[]defInfo) {
	moduleFunction, extendSelf := false, false
	named := map[string]bool{}
	var direct []int // indices into *out of the defs directly in this scope
	for i := lo; i < hi; i++ {
		t := &f.toks[i]
		m := f.match[i]
		switch {
		case (f.isKw(i, "module") || f.isKw(i, "class")) && !f.isOp(i+1, "<<") && m > i:
			j := i + 1
			if f.isOp(j, "::") {
				j++
			}
			var parts []string
			for j < m && f.toks[j].kind == tConst {
				parts = append(parts, f.toks[j].text)
				if f.isOp(j+1, "::") && j+2 < m && f.toks[j+2].kind == tConst {
					j += 2
					continue
				}
				j++
				break
			}
			if len(parts) == 0 {
				f.defsIn(i+1, m, scope, false, true, out)
			} else {
				p := strings.Join(parts, "::")
				if scope != "" {
					p = scope + "::" + p
				}
				f.defsIn(j, m, p, false, uncertain, out)
			}
			i = m
		case f.isKw(i, "class") && f.isOp(i+1, "<<") && m > i:
			self := i+2 < m && f.toks[i+2].text == "self"
			f.defsIn(i+3, m, scope, true, uncertain || !self, out)
			i = m
		case f.isKw(i, "def") && m > i:
			d := defInfo{path: scope, singleton: singleton || moduleFunction, uncertain: uncertain, tok: i, line: t.line}
			j := i + 1
			switch {
			case j+1 < m && f.toks[j].text == "self" && f.isOp(j+1, "."):
				d.singleton = true
				j += 2
			case j+1 < m && f.toks[j].kind == tConst && f.isOp(j+1, "."):
				d.singleton = true
				if scope == "" {
					d.path = f.toks[j].text
				} else {
					d.path, d.uncertain = scope+"::"+f.toks[j].text, true
				}
				j += 2
			}
			if j < m {
				d.name = f.toks[j].text
				*out = append(*out, d)
				direct = append(direct, len(*out)-1)
			}
			i = m
		case scope != "" && f.bareWord(i, "module_function"):
			if i+1 >= hi || f.toks[i+1].kind == tNewline || f.isOp(i+1, ";") {
				moduleFunction = true
			} else {
				for k := i + 1; k < hi && f.toks[k].kind != tNewline && !f.isOp(k, ";"); k++ {
					if f.toks[k].kind == tSymbol {
						named[f.toks[k].val] = true
					}
				}
			}
		case scope != "" && f.bareWord(i, "extend") && i+1 < hi && f.toks[i+1].text == "self":
			extendSelf = true
		case f.bareWord(i, "private") || f.bareWord(i, "public") || f.bareWord(i, "protected"):
			if i+1 >= hi || f.toks[i+1].kind == tNewline || f.isOp(i+1, ";") {
				moduleFunction = false
			}
		case m > i:
			// Any other block, bracket or brace: definitions inside it
			// are conditional or run in another scope.
			f.defsIn(i+1, m, scope, singleton, true, out)
			i = m
		}
	}
	for _, k := range direct {
		d := &(*out)[k]
		if extendSelf || named[d.name] {
			d.singleton = true
		}
	}
}

// stopWords make a helper's body too dynamic to follow: early exits,
// error handling, reflection.
var stopWords = map[string]bool{
	"return": true, "yield": true, "rescue": true, "ensure": true, "retry": true, "redo": true,
	"next": true, "break": true, "throw": true, "catch": true, "exit": true, "abort": true,
	"raise": true, "fail": true, "eval": true, "binding": true, "super": true,
	"instance_eval": true, "instance_exec": true, "class_eval": true, "module_eval": true,
	"send": true, "public_send": true, "__send__": true, "define_method": true,
	"instance_variable_set": true, "method_missing": true, "alias_method": true, "alias": true,
	"undef": true, "remove_method": true,
}

// aliasing methods hand the receiver to other code.
var aliasing = map[string]bool{
	"tap": true, "then": true, "yield_self": true, "itself": true, "dup": true, "clone": true,
	"method": true, "extend": true, "define_singleton_method": true, "singleton_class": true,
	"instance_variable_get": true, "to_h": true, "to_hash": true, "each": true, "each_pair": true,
	"transform_values!": true, "transform_keys!": true, "select!": true, "reject!": true,
	"filter!": true, "compact!": true, "merge": true,
}

// hashMethods may be called on the metadata: the writes among them are
// read as such, the others only read.
var hashMethods = map[string]bool{
	"merge!": true, "update": true, "store": true, "delete": true, "clear": true, "replace": true,
	"fetch": true, "key?": true, "has_key?": true, "include?": true, "dig": true, "[]": true,
	"keys": true, "values": true, "size": true, "length": true, "empty?": true, "any?": true,
	"delete_if": true, "keep_if": true,
}

// readDef reads the body of helper d: its writes to the parameter's
// metadata, and the literal Hash it returns.
func (f *file) readDef(h *helperResult, d defInfo, direct bool) {
	end := f.match[d.tok]
	j := d.tok + 1
	if (f.toks[j].text == "self" || f.toks[j].kind == tConst) && f.isOp(j+1, ".") {
		j += 2
	}
	j++ // past the name
	var pLo, pHi, bodyLo int
	if f.isOp(j, "(") && f.match[j] > j && f.match[j] < end {
		pLo, pHi, bodyLo = j+1, f.match[j], f.match[j]+1
	} else {
		pLo = j
		for j < end && f.toks[j].kind != tNewline && !f.isOp(j, ";") {
			j++
		}
		pHi, bodyLo = j, j
	}
	var params []int
	for k := pLo; k < pHi; k++ {
		if f.toks[k].kind != tNewline {
			params = append(params, k)
		}
	}
	where := fmt.Sprintf("%s:%d", h.name, d.line)
	if len(params) != 1 || f.toks[params[0]].kind != tIdent || keywords[f.toks[params[0]].text] {
		h.why = fmt.Sprintf("the method at %s does not take the specification as its one parameter (%s)", where, truncate(f.text(pLo, pHi), 40))
		return
	}
	if f.isOp(bodyLo, "=") {
		h.why = fmt.Sprintf("the method at %s is an endless def", where)
		return
	}
	param := f.toks[params[0]].text
	for k := bodyLo; k < end; k++ {
		t := &f.toks[k]
		if t.kind == tIdent && stopWords[t.text] {
			h.why = fmt.Sprintf("the method at %s uses %s, which mfaudit does not follow (line %d)", where, t.text, t.line)
			return
		}
		if t.kind == tVar && strings.HasPrefix(t.text, "@") {
			h.why = fmt.Sprintf("the method at %s uses instance state (%s, line %d)", where, t.text, t.line)
			return
		}
		if t.kind != tIdent || t.afterDot || t.text != param {
			continue
		}
		if why := f.paramUse(k, direct); why != "" {
			h.why = fmt.Sprintf("the method at %s %s (line %d)", where, why, t.line)
			return
		}
	}
	probe := &specCtx{Spec: Spec{Var: param}, direct: direct, stopAt: -1, decidingTok: -1}
	body := f.statements(bodyLo, end)
	// One level only: a helper's own calls are not followed (the helper
	// may sit in the gemspec, whose reader is set).
	saved := f.follow
	f.follow = false
	f.scanBody(probe, body, false)
	f.follow = saved
	h.ops = probe.ops
	for _, op := range probe.ops {
		if !op.conditional && (op.kind == opHash || op.kind == opAssign) {
			h.whole, h.wholeFrozen = true, op.frozen
		}
	}
	if n := len(body); n > 0 {
		last := body[n-1]
		if f.isOp(last.lo, "{") && f.match[last.lo] > last.lo && f.match[last.lo] < last.hi {
			c := f.match[last.lo]
			switch f.compact(c+1, last.hi) {
			case "":
				h.ret = f.parseHash(last.lo, c)
			case ".freeze":
				h.ret, h.retFrozen = f.parseHash(last.lo, c), true
			}
		}
	}
}

// metadataUse reports whether token n, which follows a metadata hash,
// indexes it, assigns it, or calls one of the Hash methods the analysis
// reads.
func (f *file) metadataUse(n int) bool {
	switch {
	case f.isOp(n, "["), f.isOp(n, "="), assignOp(f, n):
		return true
	case f.isOp(n, ".") && n+1 < len(f.toks) && hashMethods[f.toks[n+1].text]:
		return true
	}
	return false
}

// paramUse checks one use (token k) of a helper's parameter and says what
// is wrong with it, or "".
func (f *file) paramUse(k int, direct bool) string {
	n := k + 1
	if n >= len(f.toks) {
		return "passes its parameter on"
	}
	if direct {
		if f.metadataUse(n) {
			return ""
		}
		return fmt.Sprintf("uses the metadata in a way mfaudit does not follow (%s)", truncate(f.text(k, min(k+3, len(f.toks))), 40))
	}
	switch {
	case f.isOp(n, "&."):
		return "calls &. on the specification"
	case f.isOp(n, ".") && n+1 < len(f.toks) && f.toks[n+1].text == "metadata":
		if m := n + 2; f.metadataUse(m) {
			return ""
		}
		return fmt.Sprintf("uses the metadata in a way mfaudit does not follow (%s)", truncate(f.text(k, min(n+4, len(f.toks))), 40))
	case f.isOp(n, ".") && n+1 < len(f.toks):
		if name := f.toks[n+1].text; aliasing[name] || stopWords[name] {
			return fmt.Sprintf("calls %s on the specification", name)
		}
		return ""
	}
	return "passes the specification on to other code, which is not followed (one level only)"
}

// passedSpec records, as a write mfaudit cannot follow, every use of the
// block variable as a value (an argument, an assignment) other than the
// helper calls already followed: code given the specification can change
// its metadata.
func (f *file) passedSpec(sc *specCtx) {
	added := false
	for k := sc.bodyLo; k < sc.closeTok; k++ {
		t := &f.toks[k]
		if t.kind != tIdent || t.afterDot || t.text != sc.Var || sc.helperArgs[k] {
			continue
		}
		n := k + 1
		switch {
		case f.isOp(n, ".", "&."):
			if !(n+1 < sc.closeTok && f.toks[n+1].text == "metadata") {
				continue
			}
			m := n + 2
			if f.isOp(m, "[", ".", "&.", "=") || assignOp(f, m) {
				continue
			}
		case f.isOp(n, "["):
			continue
		}
		var anchor *stmt
		for i := range sc.bodyStmts {
			if s := &sc.bodyStmts[i]; s.lo <= k && k < s.hi {
				anchor = s
			}
		}
		if anchor == nil || anchor.lo == k && anchor.hi == k+1 {
			continue // the variable alone, as the block's value
		}
		sc.ops = append(sc.ops, metaOp{kind: opOther, anchor: *anchor, pos: k, line: t.line, conditional: true, keyTok: -1,
			source: fmt.Sprintf("the specification is passed to code mfaudit does not follow (%s)", truncate(f.text(anchor.lo, anchor.hi), 60))})
		added = true
	}
	if added {
		sort.SliceStable(sc.ops, func(a, b int) bool { return sc.ops[a].pos < sc.ops[b].pos })
	}
}
