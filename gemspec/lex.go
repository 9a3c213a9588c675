package gemspec

import (
	"bytes"
	"fmt"
	"strings"
)

// tokKind classifies a token of Ruby source.
type tokKind int

const (
	tNewline  tokKind = iota // end of a line of code
	tIdent                   // local variable, method name or keyword
	tConst                   // capitalised name
	tVar                     // @ivar, @@cvar, $gvar
	tLabel                   // name: (a Symbol hash key)
	tStrLabel                // "name": (a Symbol hash key too)
	tSymbol                  // :name, :"name"
	tString                  // string-like literal of any kind
	tNumber                  // numeric literal
	tOp                      // operator or punctuation
)

// token is one lexeme. Offsets are byte offsets into the source.
type token struct {
	kind       tokKind
	start, end int
	line       int
	text       string
	// For tString: val is the decoded value when lit is true (a plain
	// string without interpolation or unusual escapes); quote is the
	// opening quote character for '…' and "…" strings, 0 otherwise.
	val   string
	lit   bool
	quote byte
	// afterDot is set on a name that follows "." or "&." (a method name,
	// never a keyword).
	afterDot bool
	// resume is, for tNewline, the offset where code resumes: after the
	// newline and any heredoc bodies that start on the line.
	resume int
	// spaceBefore reports whitespace right before the token.
	spaceBefore bool
}

// comment is a # comment; start is the offset of '#', end the offset of
// the line end (before "\r\n" or "\n").
type comment struct {
	start, end int
	line       int
	text       string
}

// SyntaxError reports source that mfaudit cannot read with confidence.
type SyntaxError struct {
	Path string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

type heredoc struct {
	id     string
	indent bool // <<- or <<~: the terminator may be indented
	line   int
}

type lexer struct {
	src      []byte
	pos      int
	line     int
	toks     []token
	comments []comment
	pending  []heredoc
	// interp > 0 while lexing the code of a #{...} interpolation: tokens
	// are checked but not kept.
	interp int
	err    *SyntaxError
}

// lex splits Ruby source into tokens and comments. It never evaluates
// anything; it understands enough of Ruby's lexical grammar (strings of
// every kind, heredocs, %-literals, regexps, =begin/=end, __END__) to know
// reliably which bytes are code.
func lex(src []byte) (toks []token, comments []comment, err *SyntaxError) {
	l := &lexer{src: src, line: 1, toks: make([]token, 0, len(src)/4)}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			toks, comments, err = nil, nil, se
		}
	}()
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		l.pos = 3 // a UTF-8 byte order mark, which Ruby skips
	}
	l.code(false)
	if len(l.pending) > 0 {
		l.fail(l.pending[0].line, "heredoc <<%s is never terminated", l.pending[0].id)
	}
	return l.toks, l.comments, nil
}

func (l *lexer) fail(line int, format string, args ...any) {
	panic(&SyntaxError{Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (l *lexer) peek(off int) byte {
	if l.pos+off < len(l.src) && l.pos+off >= 0 {
		return l.src[l.pos+off]
	}
	return 0
}

func (l *lexer) emit(t token) {
	if l.interp > 0 {
		return
	}
	t.text = string(l.src[t.start:t.end])
	l.toks = append(l.toks, t)
}

// prev returns the last emitted token, or nil.
func (l *lexer) prev() *token {
	if l.interp > 0 || len(l.toks) == 0 {
		return nil
	}
	return &l.toks[len(l.toks)-1]
}

var valueKeywords = map[string]bool{
	"end": true, "self": true, "nil": true, "true": true, "false": true,
	"__FILE__": true, "__dir__": true, "__LINE__": true, "__method__": true,
}

var keywords = map[string]bool{
	"alias": true, "and": true, "begin": true, "break": true, "case": true,
	"class": true, "def": true, "defined?": true, "do": true, "else": true,
	"elsif": true, "end": true, "ensure": true, "for": true, "if": true,
	"in": true, "module": true, "next": true, "not": true, "or": true,
	"redo": true, "rescue": true, "retry": true, "return": true, "then": true,
	"undef": true, "unless": true, "until": true, "when": true, "while": true,
	"yield": true, "super": true,
}

// isKeyword reports whether t is a reserved word used as one.
func (t *token) isKeyword(word string) bool {
	return t.kind == tIdent && !t.afterDot && t.text == word && keywords[word]
}

// valueLike reports whether a token ends an expression, so that what
// follows is an operator rather than the start of a literal.
func valueLike(t *token) bool {
	if t == nil {
		return false
	}
	switch t.kind {
	case tConst, tVar, tString, tNumber, tSymbol:
		return true
	case tIdent:
		if t.afterDot {
			return true
		}
		if keywords[t.text] {
			return valueKeywords[t.text]
		}
		return true
	case tOp:
		return t.text == ")" || t.text == "]" || t.text == "}"
	}
	return false
}

// literalStart reports whether the character at the current position
// begins a literal (regexp, %-literal, heredoc, ?c) rather than an
// operator, judging by the previous token and the spacing.
func (l *lexer) literalStart(spaceBefore bool) bool {
	p := l.prev()
	if l.interp > 0 {
		// Inside interpolation we keep no token history; guess from the
		// previous byte.
		i := l.pos - 1
		for i >= 0 && (l.src[i] == ' ' || l.src[i] == '\t') {
			i--
		}
		if i < 0 {
			return true
		}
		c := l.src[i]
		return !(isIdentByte(c) || c == ')' || c == ']' || c == '}' || c == '"' || c == '\'')
	}
	if !valueLike(p) {
		return true
	}
	// "foo /x/", "puts <<~EOS", "foo %w[a]": a method call with an argument.
	if p.kind == tIdent && !keywords[p.text] && spaceBefore {
		next := l.peek(1)
		return next != ' ' && next != '\t' && next != '\n' && next != '\r' && next != '='
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

// operators lists the multi-character operators, longest first.
var operators = [][]byte{
	[]byte("**="), []byte("<=>"), []byte("==="), []byte("..."), []byte("<<="), []byte(">>="), []byte("&&="), []byte("||="),
	[]byte("=="), []byte("!="), []byte("=~"), []byte("!~"), []byte(">="), []byte("<="), []byte("&&"), []byte("||"),
	[]byte("<<"), []byte(">>"), []byte("**"), []byte("::"), []byte(".."), []byte("=>"), []byte("->"), []byte("+="),
	[]byte("-="), []byte("*="), []byte("/="), []byte("%="), []byte("|="), []byte("&="), []byte("^="), []byte("&."),
}

// atLineStart reports whether pos is at the first byte of a line.
func (l *lexer) atLineStart() bool {
	return l.pos == 0 || l.src[l.pos-1] == '\n'
}

// code lexes code until the end of input, or, when inInterp is set, until
// the '}' closing an interpolation.
func (l *lexer) code(inInterp bool) {
	braces := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		spaceBefore := l.pos > 0 && (isSpace(l.src[l.pos-1]) || l.src[l.pos-1] == '\n')
		if l.atLineStart() && !inInterp {
			if bytes.HasPrefix(l.src[l.pos:], []byte("=begin")) && (l.pos+6 == len(l.src) || isSpace(l.src[l.pos+6]) || l.src[l.pos+6] == '\n') {
				l.blockComment()
				continue
			}
			if rest := l.src[l.pos:]; bytes.HasPrefix(rest, []byte("__END__")) {
				tail := rest[7:]
				if len(tail) == 0 || tail[0] == '\n' || (tail[0] == '\r' && len(tail) > 1 && tail[1] == '\n') {
					l.pos = len(l.src)
					return
				}
			}
		}
		switch {
		case isSpace(c):
			l.pos++
		case c == '\\' && l.peek(1) == '\n':
			l.pos += 2
			l.line++
		case c == '\\' && l.peek(1) == '\r' && l.peek(2) == '\n':
			l.pos += 3
			l.line++
		case c == '\n':
			t := token{kind: tNewline, start: l.pos, end: l.pos + 1, line: l.line}
			l.pos++
			l.line++
			if len(l.pending) > 0 && l.interp == 0 {
				l.heredocBodies()
			}
			t.resume = l.pos
			l.emit(t)
		case c == '#':
			start := l.pos
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
			end := l.pos
			if end > start && l.src[end-1] == '\r' {
				end--
			}
			if l.interp == 0 {
				l.comments = append(l.comments, comment{start: start, end: end, line: l.line, text: string(l.src[start:end])})
			}
		case c == '"' || c == '\'' || c == '`':
			l.quoted(c, spaceBefore)
		case isIdentStart(c):
			l.name(spaceBefore)
		case c >= '0' && c <= '9':
			start := l.pos
			for l.pos < len(l.src) {
				b := l.src[l.pos]
				if isIdentByte(b) || (b == '.' && l.peek(1) >= '0' && l.peek(1) <= '9') {
					l.pos++
					continue
				}
				break
			}
			l.emit(token{kind: tNumber, start: start, end: l.pos, line: l.line, spaceBefore: spaceBefore})
		case c == '@':
			start := l.pos
			l.pos++
			if l.peek(0) == '@' {
				l.pos++
			}
			for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
				l.pos++
			}
			l.emit(token{kind: tVar, start: start, end: l.pos, line: l.line, spaceBefore: spaceBefore})
		case c == '$':
			start := l.pos
			l.pos++
			switch n := l.peek(0); {
			case isIdentStart(n):
				for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
					l.pos++
				}
			case n >= '0' && n <= '9':
				for l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
					l.pos++
				}
			case n == '-' && isIdentByte(l.peek(1)):
				l.pos += 2
			case n != 0 && strings.IndexByte("~*$?!@/\\;,.=:<>\"&'`+", n) >= 0:
				l.pos++
			default:
				// Not a global variable Ruby knows: a lone "$" would
				// run into whatever an edit puts after it ("$,").
				l.fail(l.line, "invalid global variable %q", l.src[start:l.pos])
			}
			l.emit(token{kind: tVar, start: start, end: l.pos, line: l.line, spaceBefore: spaceBefore})
		case c == ':' && l.peek(1) == ':':
			l.emit(token{kind: tOp, start: l.pos, end: l.pos + 2, line: l.line, text: "::", spaceBefore: spaceBefore})
			l.pos += 2
		case c == ':' && (l.peek(1) == '"' || l.peek(1) == '\''):
			start := l.pos
			q := l.src[l.pos+1]
			l.pos += 2 // past ':' and the opening quote
			val, lit, _ := l.stringBody(q, q, q == '"')
			l.emit(token{kind: tSymbol, start: start, end: l.pos, line: l.line, val: val, lit: lit, spaceBefore: spaceBefore})
		case c == ':' && (isIdentStart(l.peek(1)) || strings.IndexByte("+-*/<=>![%&|^~", l.peek(1)) >= 0 && l.peek(1) != 0) && (spaceBefore || !valueLike(l.prev())):
			start := l.pos
			l.pos++
			if isIdentStart(l.src[l.pos]) {
				for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
					l.pos++
				}
				if b := l.peek(0); (b == '?' || b == '!' || b == '=') && l.peek(1) != '=' && l.peek(1) != '>' && l.peek(1) != '~' {
					l.pos++
				}
			} else {
				for l.pos < len(l.src) && strings.IndexByte("+-*/<=>![]%&|^~@", l.src[l.pos]) >= 0 {
					l.pos++
				}
			}
			t := token{kind: tSymbol, start: start, end: l.pos, line: l.line, spaceBefore: spaceBefore}
			t.val = string(l.src[start+1 : l.pos])
			t.lit = true
			l.emit(t)
		case c == '%' && l.percentLiteral(spaceBefore):
		case c == '/' && l.literalStart(spaceBefore):
			start, line := l.pos, l.line
			l.pos++
			l.stringBody('/', '/', true)
			for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) { // flags
				l.pos++
			}
			l.emit(token{kind: tString, start: start, end: l.pos, line: line, spaceBefore: spaceBefore})
		case c == '<' && l.peek(1) == '<' && l.heredocStart(spaceBefore):
		case c == '?' && l.charLiteral(spaceBefore):
		case inInterp && c == '{':
			braces++
			l.op(spaceBefore)
		case inInterp && c == '}':
			if braces == 0 {
				l.pos++
				return
			}
			braces--
			l.op(spaceBefore)
		default:
			l.op(spaceBefore)
		}
	}
	if inInterp {
		l.fail(l.line, "string interpolation #{...} is never closed")
	}
}

func (l *lexer) op(spaceBefore bool) {
	for _, op := range operators {
		if bytes.HasPrefix(l.src[l.pos:], op) {
			l.emit(token{kind: tOp, start: l.pos, end: l.pos + len(op), line: l.line, spaceBefore: spaceBefore})
			l.pos += len(op)
			return
		}
	}
	c := l.src[l.pos]
	if c < 0x20 && c != '\t' {
		l.fail(l.line, "unexpected control character %q", c)
	}
	l.emit(token{kind: tOp, start: l.pos, end: l.pos + 1, line: l.line, spaceBefore: spaceBefore})
	l.pos++
}

func (l *lexer) blockComment() {
	startLine := l.line
	for {
		nl := bytes.IndexByte(l.src[l.pos:], '\n')
		if nl < 0 {
			l.fail(startLine, "=begin comment is never closed by =end")
		}
		l.pos += nl + 1
		l.line++
		if bytes.HasPrefix(l.src[l.pos:], []byte("=end")) {
			rest := l.src[l.pos+4:]
			if len(rest) == 0 || isSpace(rest[0]) || rest[0] == '\n' {
				nl := bytes.IndexByte(l.src[l.pos:], '\n')
				if nl < 0 {
					l.pos = len(l.src)
				} else {
					l.pos += nl + 1
					l.line++
				}
				return
			}
		}
	}
}

func (l *lexer) name(spaceBefore bool) {
	start := l.pos
	for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
		l.pos++
	}
	if b := l.peek(0); (b == '?' || b == '!') && l.peek(1) != '=' {
		l.pos++
	} else if (b == '?' || b == '!') && l.peek(1) == '=' && l.peek(2) == '=' {
		l.pos++
	}
	p := l.prev()
	afterDot := p != nil && p.kind == tOp && (p.text == "." || p.text == "&.") || p != nil && p.kind == tOp && p.text == "::" && l.src[start] >= 'a' && l.src[start] <= 'z'
	// A label "name:" (but not "name::").
	if l.peek(0) == ':' && l.peek(1) != ':' && !afterDot {
		prevQ := p != nil && p.kind == tOp && p.text == "?"
		if !prevQ {
			l.pos++
			l.emit(token{kind: tLabel, start: start, end: l.pos, line: l.line, val: string(l.src[start : l.pos-1]), lit: true, spaceBefore: spaceBefore})
			return
		}
	}
	kind := tIdent
	if c := l.src[start]; c >= 'A' && c <= 'Z' {
		kind = tConst
	}
	l.emit(token{kind: kind, start: start, end: l.pos, line: l.line, afterDot: afterDot, spaceBefore: spaceBefore})
}

// quoted lexes a '…', "…" or `…` literal at the current position.
func (l *lexer) quoted(q byte, spaceBefore bool) {
	start, line := l.pos, l.line
	l.pos++
	val, lit, _ := l.stringBody(q, q, q != '\'')
	kind := tString
	// "name": is a Symbol key.
	if q != '`' && l.peek(0) == ':' && l.peek(1) != ':' {
		p := l.prev()
		if !(p != nil && p.kind == tOp && p.text == "?") {
			l.pos++
			kind = tStrLabel
		}
	}
	t := token{kind: kind, start: start, end: l.pos, line: line, val: val, lit: lit, spaceBefore: spaceBefore}
	if q != '`' {
		t.quote = q
	} else {
		t.lit = false
	}
	l.emit(t)
}

// stringBody reads a literal body after its opening delimiter up to and
// including the closing one. open != close means nesting delimiters. It
// returns the decoded value and whether the value is known exactly.
func (l *lexer) stringBody(open, close byte, interp bool) (val string, lit bool, hadInterp bool) {
	startLine := l.line
	var b strings.Builder
	lit = true
	depth := 0
	for {
		if l.pos >= len(l.src) {
			l.fail(startLine, "string starting here is never closed (missing %c)", close)
		}
		c := l.src[l.pos]
		switch {
		case c == '\\':
			if l.pos+1 >= len(l.src) {
				l.fail(startLine, "string starting here is never closed (missing %c)", close)
			}
			n := l.src[l.pos+1]
			if n == '\n' {
				l.line++
			}
			if !interp {
				// Single-quoted: only \\ and \<delimiter> are escapes.
				if n == '\\' || n == close || n == open {
					b.WriteByte(n)
				} else {
					b.WriteByte('\\')
					b.WriteByte(n)
				}
			} else {
				switch n {
				case '\\', '"', '\'', '#', '/', '`':
					b.WriteByte(n)
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 's':
					b.WriteByte(' ')
				default:
					if n == close || n == open {
						b.WriteByte(n)
					} else {
						lit = false
					}
				}
			}
			l.pos += 2
		case interp && c == '#' && (l.peek(1) == '$' || l.peek(1) == '@'):
			// "#$x", "#@x": interpolation without braces.
			b.WriteByte(c)
			l.pos++
			lit = false
		case interp && c == '#' && l.peek(1) == '{':
			l.pos += 2
			l.interp++
			l.code(true)
			l.interp--
			lit = false
			hadInterp = true
		case c == close && depth == 0:
			l.pos++
			return b.String(), lit, hadInterp
		default:
			if open != close {
				if c == open {
					depth++
				} else if c == close {
					depth--
				}
			}
			if c == '\n' {
				l.line++
			}
			b.WriteByte(c)
			l.pos++
		}
	}
}

// percentLiteral lexes %q(...), %w[...], %(...) and friends when the '%'
// at the current position starts one.
func (l *lexer) percentLiteral(spaceBefore bool) bool {
	kind := byte(0)
	delimAt := 1
	if k := l.peek(1); strings.IndexByte("qQwWiIrsx", k) >= 0 && k != 0 {
		d := l.peek(2)
		if d == 0 || isIdentByte(d) || isSpace(d) || d == '\n' {
			return false
		}
		kind, delimAt = k, 2
	} else {
		d := l.peek(1)
		if d == 0 || isIdentByte(d) || isSpace(d) || d == '\n' || d == '=' {
			return false
		}
	}
	if !l.literalStart(spaceBefore) {
		return false
	}
	start, line := l.pos, l.line
	open := l.peek(delimAt)
	close := open
	switch open {
	case '(':
		close = ')'
	case '[':
		close = ']'
	case '{':
		close = '}'
	case '<':
		close = '>'
	}
	l.pos += delimAt + 1
	interp := kind == 0 || kind == 'Q' || kind == 'W' || kind == 'I' || kind == 'r' || kind == 'x'
	val, lit, _ := l.stringBody(open, close, interp)
	if kind == 'r' {
		for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
			l.pos++
		}
	}
	t := token{kind: tString, start: start, end: l.pos, line: line, spaceBefore: spaceBefore}
	switch kind {
	case 0, 'q', 'Q':
		t.val, t.lit = val, lit
	case 's':
		t.kind, t.val, t.lit = tSymbol, val, lit
	}
	l.emit(t)
	return true
}

// heredocStart lexes <<ID, <<-ID, <<~ID (with optional quotes) and queues
// the body to be skipped at the end of the line.
func (l *lexer) heredocStart(spaceBefore bool) bool {
	i := l.pos + 2
	indent := false
	if i < len(l.src) && (l.src[i] == '~' || l.src[i] == '-') {
		indent = true
		i++
	}
	if i >= len(l.src) {
		return false
	}
	var id string
	end := i
	switch q := l.src[i]; {
	case q == '"' || q == '\'' || q == '`':
		j := bytes.IndexByte(l.src[i+1:], q)
		if j < 0 {
			return false
		}
		id = string(l.src[i+1 : i+1+j])
		if strings.ContainsAny(id, "\n") {
			return false
		}
		end = i + 1 + j + 1
	case isIdentStart(q):
		j := i
		for j < len(l.src) && isIdentByte(l.src[j]) {
			j++
		}
		id = string(l.src[i:j])
		end = j
	default:
		return false
	}
	if !indent && !l.literalStart(spaceBefore) {
		return false
	}
	if indent && valueLike(l.prev()) && !l.literalStart(spaceBefore) {
		// "x <<-y": shift by a negated value.
		return false
	}
	l.emit(token{kind: tString, start: l.pos, end: end, line: l.line, spaceBefore: spaceBefore})
	if l.interp == 0 {
		l.pending = append(l.pending, heredoc{id: id, indent: indent, line: l.line})
	}
	l.pos = end
	return true
}

// heredocBodies skips the bodies of the heredocs started on the line just
// ended.
func (l *lexer) heredocBodies() {
	for _, h := range l.pending {
		for {
			if l.pos >= len(l.src) {
				l.fail(h.line, "heredoc <<%s is never terminated", h.id)
			}
			nl := bytes.IndexByte(l.src[l.pos:], '\n')
			var line []byte
			next := len(l.src)
			if nl < 0 {
				line = l.src[l.pos:]
			} else {
				line = l.src[l.pos : l.pos+nl]
				next = l.pos + nl + 1
			}
			l.pos = next
			l.line++
			line = bytes.TrimSuffix(line, []byte("\r"))
			if h.indent {
				line = bytes.TrimLeft(line, " \t")
			}
			if string(line) == h.id {
				break
			}
			if nl < 0 {
				l.fail(h.line, "heredoc <<%s is never terminated", h.id)
			}
		}
	}
	l.pending = l.pending[:0]
}

// charLiteral lexes ?c when the '?' starts a character literal rather
// than a ternary operator.
func (l *lexer) charLiteral(spaceBefore bool) bool {
	c := l.peek(1)
	if c == 0 || isSpace(c) || c == '\n' {
		return false
	}
	if valueLike(l.prev()) {
		return false
	}
	n := 2
	if c == '\\' {
		n = 3
	}
	if isIdentByte(l.peek(n)) {
		return false
	}
	l.emit(token{kind: tString, start: l.pos, end: l.pos + n, line: l.line, spaceBefore: spaceBefore})
	l.pos += n
	return true
}
