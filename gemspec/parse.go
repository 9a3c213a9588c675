package gemspec

import (
	"bytes"
	"fmt"
	"strings"
)

// file is a lexed gemspec with its brackets and keyword blocks matched.
type file struct {
	path     string
	src      []byte
	toks     []token
	comments []comment
	// match maps an opening token ("(", "[", "{", do, if, def, ...) to its
	// closing token and back; -1 elsewhere.
	match []int
	// read reads the files the gemspec requires (AnalyzeOptions.Read);
	// nil means no other file is read.
	read func(name string) ([]byte, error)
	// follow is set, when there is a reader, while helper calls in
	// specification blocks are followed (not inside a helper's own body:
	// one level only).
	follow bool
	// sources caches the files read for helpers, by name.
	sources map[string]*source
}

func parseFile(path string, src []byte) (*file, error) {
	toks, comments, serr := lex(src)
	if serr != nil {
		serr.Path = path
		return nil, serr
	}
	f := &file{path: path, src: src, toks: toks, comments: comments}
	if err := f.matchBlocks(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *file) errorf(line int, format string, args ...any) error {
	return &SyntaxError{Path: f.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (f *file) isOp(i int, ops ...string) bool {
	if i < 0 || i >= len(f.toks) || f.toks[i].kind != tOp {
		return false
	}
	for _, op := range ops {
		if f.toks[i].text == op {
			return true
		}
	}
	return false
}

func (f *file) isKw(i int, words ...string) bool {
	if i < 0 || i >= len(f.toks) {
		return false
	}
	for _, w := range words {
		if f.toks[i].isKeyword(w) {
			return true
		}
	}
	return false
}

// opensBlock reports whether token i opens a keyword block closed by end.
func (f *file) opensBlock(i int) bool {
	t := &f.toks[i]
	if t.kind != tIdent || t.afterDot {
		return false
	}
	switch t.text {
	case "class", "module", "def", "case", "begin", "for", "do":
		if t.text == "class" && f.isOp(i+1, ".") {
			return false
		}
		return true
	case "if", "unless", "while", "until":
		if i == 0 {
			return true
		}
		p := &f.toks[i-1]
		if p.kind == tIdent && !p.afterDot {
			switch p.text {
			case "return", "break", "next", "redo", "retry", "yield", "super":
				return false
			}
		}
		return !valueLike(p)
	}
	return false
}

// matchBlocks pairs brackets and keyword blocks.
func (f *file) matchBlocks() error {
	f.match = make([]int, len(f.toks))
	for i := range f.match {
		f.match[i] = -1
	}
	type open struct {
		i     int
		close string
	}
	var stack []open
	loopDo := false // a while/until/for condition is pending; its "do" opens nothing
	for i := range f.toks {
		t := &f.toks[i]
		switch {
		case t.kind == tNewline || f.isOp(i, ";"):
			loopDo = false
		case t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{"):
			c := map[string]string{"(": ")", "[": "]", "{": "}"}[t.text]
			stack = append(stack, open{i, c})
		case t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}"):
			if len(stack) == 0 || stack[len(stack)-1].close != t.text {
				return f.errorf(t.line, "unexpected %q", t.text)
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			f.match[o.i], f.match[i] = i, o.i
		case t.isKeyword("end"):
			if len(stack) == 0 || stack[len(stack)-1].close != "end" {
				return f.errorf(t.line, "unexpected end")
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			f.match[o.i], f.match[i] = i, o.i
		case t.isKeyword("do") && loopDo:
			loopDo = false
		case t.kind == tIdent && keywords[t.text] && f.opensBlock(i):
			if t.text == "while" || t.text == "until" || t.text == "for" {
				loopDo = true
			}
			stack = append(stack, open{i, "end"})
		}
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		t := f.toks[o.i]
		return f.errorf(t.line, "%q is never closed (expected %q)", t.text, o.close)
	}
	return nil
}

// continues reports whether a line ending after token i continues the
// expression on the next line.
func (f *file) continues(i int) bool {
	t := &f.toks[i]
	switch t.kind {
	case tOp:
		switch t.text {
		case ")", "]", "}", ";":
			return false
		}
		return true
	case tIdent:
		if t.afterDot {
			return false
		}
		switch t.text {
		case "and", "or", "not":
			return true
		}
	}
	return false
}

// stmt is a statement: tokens [lo, hi); term is the index of the token
// ending it (a newline or ";"), or -1 when the range ends it.
type stmt struct {
	lo, hi int
	term   int
}

// statements splits tokens [lo, hi) into statements at top nesting level.
func (f *file) statements(lo, hi int) []stmt {
	var out []stmt
	i := lo
	for i < hi {
		if f.toks[i].kind == tNewline || f.isOp(i, ";") {
			i++
			continue
		}
		start := i
		term := -1
		for i < hi {
			t := &f.toks[i]
			if m := f.match[i]; m > i {
				i = m + 1
				continue
			}
			if t.kind == tNewline || f.isOp(i, ";") {
				// Blank and comment-only lines do not end a statement
				// that continues past its line.
				p := i - 1
				for p > start && f.toks[p].kind == tNewline {
					p--
				}
				if t.kind == tNewline && i > start && f.toks[p].kind != tNewline && f.continues(p) {
					i++
					continue
				}
				if t.kind == tNewline {
					// A leading-dot method chain continues the statement.
					j := i + 1
					for j < hi && f.toks[j].kind == tNewline {
						j++
					}
					if j < hi && f.isOp(j, ".", "&.") {
						i = j
						continue
					}
				}
				term = i
				break
			}
			i++
		}
		end := i
		if term < 0 {
			end = i
		}
		out = append(out, stmt{lo: start, hi: end, term: term})
		if term >= 0 {
			i = term + 1
		}
	}
	return out
}

// lineStart returns the offset of the first byte of the line holding off.
func (f *file) lineStart(off int) int {
	return bytes.LastIndexByte(f.src[:off], '\n') + 1
}

// lineEnd returns the offset just after the line holding off (after its
// "\n"), or len(src) on the last line.
func (f *file) lineEnd(off int) int {
	i := bytes.IndexByte(f.src[off:], '\n')
	if i < 0 {
		return len(f.src)
	}
	return off + i + 1
}

// indentOf returns the leading blanks of the line holding off.
func (f *file) indentOf(off int) string {
	s := f.lineStart(off)
	e := s
	for e < len(f.src) && (f.src[e] == ' ' || f.src[e] == '\t') {
		e++
	}
	return string(f.src[s:e])
}

// firstOnLine reports whether only blanks precede token i on its line.
func (f *file) firstOnLine(i int) bool {
	off := f.toks[i].start
	s := f.lineStart(off)
	return strings.Trim(string(f.src[s:off]), " \t") == ""
}

// eolAt returns the line ending used by the line holding off.
func (f *file) eolAt(off int) string {
	e := f.lineEnd(off)
	if e >= 2 && f.src[e-1] == '\n' && f.src[e-2] == '\r' {
		return "\r\n"
	}
	if e == len(f.src) && (e == 0 || f.src[e-1] != '\n') {
		// Last line without a newline: follow the file's convention.
		if bytes.Contains(f.src, []byte("\r\n")) {
			return "\r\n"
		}
	}
	return "\n"
}

// text returns the source of tokens [lo, hi).
func (f *file) text(lo, hi int) string {
	if lo >= hi {
		return ""
	}
	return string(f.src[f.toks[lo].start:f.toks[hi-1].end])
}

// compact returns the tokens [lo, hi) joined without blanks, for matching
// simple shapes like "s.respond_to?(:metadata)".
func (f *file) compact(lo, hi int) string {
	var b strings.Builder
	for i := lo; i < hi; i++ {
		if f.toks[i].kind == tNewline {
			continue
		}
		b.WriteString(f.toks[i].text)
	}
	return b.String()
}
