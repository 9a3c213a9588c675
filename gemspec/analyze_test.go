package gemspec

import (
	"errors"
	"strings"
	"testing"
)

// spec wraps body lines in a Gem::Specification.new block.
func spec(body ...string) string {
	return "Gem::Specification.new do |s|\n  s.name = \"demo\"\n" + strings.Join(body, "\n") + "\nend\n"
}

func TestAnalyzeStates(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		path  string
		state State
		value string
		line  int
		skip  SkipKind
	}{
		{name: "index true", src: spec(`  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 3},
		{name: "index single quotes", src: spec(`  s.metadata['rubygems_mfa_required'] = 'true'`), state: Required, value: "true", line: 3},
		{name: "percent q", src: spec(`  s.metadata[%q(rubygems_mfa_required)] = %q(true)`), state: Required, value: "true", line: 3},
		{name: "frozen value", src: spec(`  s.metadata["rubygems_mfa_required"] = "true".freeze`), state: Required, value: "true", line: 3},
		{name: "yes is true", src: spec(`  s.metadata["rubygems_mfa_required"] = "yes"`), state: Required, value: "yes", line: 3},
		{name: "capital False is true", src: spec(`  s.metadata["rubygems_mfa_required"] = "False"`), state: Required, value: "False", line: 3},
		{name: "zero is false", src: spec(`  s.metadata["rubygems_mfa_required"] = "0"`), state: OptedOut, value: "0", line: 3},
		{name: "off is false", src: spec(`  s.metadata = { "rubygems_mfa_required" => "off" }`), state: OptedOut, value: "off", line: 3},
		{name: "empty is false", src: spec(`  s.metadata["rubygems_mfa_required"] = ""`), state: OptedOut, value: "", line: 3},
		{name: "later index wins", src: spec(`  s.metadata["rubygems_mfa_required"] = "false"`, `  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 4},
		{name: "later hash clobbers", src: spec(`  s.metadata["rubygems_mfa_required"] = "true"`, `  s.metadata = { "a" => "b" }`), state: Missing},
		{name: "symbol index key", src: spec(`  s.metadata[:rubygems_mfa_required] = "true"`), state: Invalid, line: 3},
		{name: "label key", src: spec(`  s.metadata = { rubygems_mfa_required: "true" }`), state: Invalid, line: 3},
		{name: "string label key is a Symbol", src: spec(`  s.metadata = { "rubygems_mfa_required": "true" }`), state: Invalid, line: 3},
		{name: "hash rocket symbol key", src: spec(`  s.metadata = { :rubygems_mfa_required => "true" }`), state: Invalid, line: 3},
		{name: "quoted symbol key", src: spec(`  s.metadata = { :"rubygems_mfa_required" => "true" }`), state: Invalid, line: 3},
		{name: "single-quoted symbol index key", src: spec(`  s.metadata[:'rubygems_mfa_required'] = 'true'`), state: Invalid, line: 3},
		{name: "quoted symbol elsewhere", src: spec(`  s.metadata["rubygems_mfa_required"] = "true"`, `  s.send(:"files=", [])`), state: Required, value: "true", line: 3},
		{name: "other symbol key", src: spec(`  s.metadata = { "rubygems_mfa_required" => "true", homepage_uri: "https://x" }`), state: Invalid, line: 3},
		{name: "boolean value", src: spec(`  s.metadata["rubygems_mfa_required"] = true`), state: Invalid, line: 3},
		{name: "env value", src: spec(`  s.metadata["rubygems_mfa_required"] = ENV.fetch("MFA", "true")`), state: Computed, line: 3},
		{name: "interpolated value", src: spec(`  s.metadata["rubygems_mfa_required"] = "#{x}"`), state: Computed, line: 3},
		{name: "global interpolated without braces", src: spec(`  s.metadata["rubygems_mfa_required"] = "#$mfa"`), state: Computed, line: 3},
		{name: "ivar interpolated without braces", src: spec(`  s.metadata["rubygems_mfa_required"] = "#@mfa"`), state: Computed, line: 3},
		{name: "hash sign in single quotes", src: spec(`  s.metadata["rubygems_mfa_required"] = '#$mfa'`), state: Required, value: "#$mfa", line: 3},
		{name: "special and numbered globals", src: spec(`  s.files = $LOAD_PATH + [$0, $10, $-w, $;, $,, $stderr]`, `  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 4},
		{name: "hash merged with call", src: spec(`  s.metadata = { "a" => "b" }.merge(extra)`), state: Computed, line: 3},
		{name: "double splat", src: spec(`  s.metadata = { **base, "a" => "b" }`), state: Computed, line: 3},
		{name: "modifier if", src: spec(`  s.metadata["rubygems_mfa_required"] = "true" if ENV["CI"]`), state: Computed, line: 3},
		{name: "loop", src: spec(`  %w[a b].each { |k| s.metadata[k] = "x" }`), state: Computed, line: 3},
		{name: "conditional other key ignored", src: spec(`  if x`, `    s.metadata["homepage_uri"] = "https://x"`, `  end`), state: Missing},
		{name: "reads are not writes", src: spec(`  puts s.metadata["a"]`, `  x = s.metadata.fetch("b", nil)`, `  foo(s.metadata["c"])`), state: Missing},
		{name: "merge bang literal", src: spec(`  s.metadata.merge!("rubygems_mfa_required" => "true")`), state: Required, value: "true", line: 3},
		{name: "merge bang unknown", src: spec(`  s.metadata.merge!(EXTRA)`), state: Computed, line: 3},
		{name: "store", src: spec(`  s.metadata.store("rubygems_mfa_required", "true")`), state: Computed, line: 3},
		{name: "or-assign", src: spec(`  s.metadata["rubygems_mfa_required"] ||= "true"`), state: Computed, line: 3},
		{name: "local hash", src: spec(`  meta = { "rubygems_mfa_required" => "true" }`, `  s.metadata = meta`), state: Required, value: "true", line: 3},
		{name: "assigned twice is not followed", src: "META = { \"rubygems_mfa_required\" => \"true\" }\nMETA = {}\n" + spec(`  s.metadata = META`), state: Computed, line: 5},
		{name: "text in heredoc and comments", src: spec(`  s.description = <<~D`, `    s.metadata["rubygems_mfa_required"] = "true"`, `  D`, `  # s.metadata = { "rubygems_mfa_required" => "true" }`), state: Missing},
		{name: "after __END__", src: spec() + "__END__\ns.metadata['rubygems_mfa_required'] = 'true'\n", state: Missing},
		{name: "template line", src: spec(`  # s.metadata["rubygems_mfa_required"] = "true"`), state: CommentedOut, line: 3},
		{name: "template line of another variable", src: spec(`  # spec.metadata["rubygems_mfa_required"] = "true"`), state: Missing},
		{name: "template line before a whole hash", src: spec(`  # s.metadata["rubygems_mfa_required"] = "true"`, `  s.metadata = { "a" => "b" }`), state: Missing},
		{name: "written through the outer variable", src: "spec = " + spec() + "spec.metadata['rubygems_mfa_required'] = 'true'\n", state: Computed, line: 5},
		{name: "read through the outer variable", src: "spec = " + spec(`  s.metadata["rubygems_mfa_required"] = "true"`) + "puts spec.metadata['rubygems_mfa_required']\n", state: Required, value: "true", line: 3},
		{name: "rubygems push host", src: spec(`  s.metadata["allowed_push_host"] = "https://rubygems.org"`), state: Missing},
		{name: "private push host", src: spec(`  s.metadata["allowed_push_host"] = "https://gems.example.com"`), state: Missing, skip: SkipPushHost},
		{name: "TODO push host", src: spec(`  s.metadata["allowed_push_host"] = "TODO: Set to 'http://mygemserver.com'"`), state: Missing, skip: SkipPushHost},
		{name: "vendored", src: spec(), path: "vendor/bundle/ruby/3.1.0/specifications/x.gemspec", state: Missing, skip: SkipVendored},
		{name: "do not edit header", src: "# DO NOT EDIT: generated by tools/gen\n" + spec(), state: Missing, skip: SkipGenerated},
		{name: "curly block", src: "Gem::Specification.new { |s|\n  s.metadata['rubygems_mfa_required'] = 'true'\n}\n", state: Required, value: "true", line: 2},
		{name: "regexp and percent literals", src: spec(`  s.files = x.reject { |f| f =~ /\A(?:test|spec)\/"/ } + %w[a "b] + %i[c]`, `  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 4},
		{name: "begin end comment", src: "=begin\nGem::Specification.new do |x|\n=end\n" + spec(`  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 6},
		{name: "two heredocs on one line", src: spec(`  s.summary, s.description = <<~A, <<~B`, `    a "`, `  A`, `    b }`, `  B`, `  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 8},
		{name: "byte order mark", src: "\ufeff# frozen_string_literal: true\n" + spec(`  s.metadata["rubygems_mfa_required"] = "true"`), state: Required, value: "true", line: 4},
		{name: "guard with raise", src: spec(`  if s.respond_to?(:metadata)`, `    s.metadata["rubygems_mfa_required"] = "true"`, `  else`, `    raise "old"`, `  end`), state: Required, value: "true", line: 4},
		{name: "guard without parentheses", src: spec(`  if s.respond_to? :metadata`, `    s.metadata["rubygems_mfa_required"] = "true"`, `  end`), state: Required, value: "true", line: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "demo.gemspec"
			}
			a, err := Analyze([]byte(tt.src), path)
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			if tt.skip == SkipVendored || tt.skip == SkipGenerated {
				if a.Skip == nil || a.Skip.Kind != tt.skip {
					t.Fatalf("file skip = %+v, want %s", a.Skip, tt.skip)
				}
				if tt.skip == SkipVendored {
					return
				}
			}
			if len(a.Specs) != 1 {
				t.Fatalf("got %d specs, want 1", len(a.Specs))
			}
			s := a.Specs[0]
			if s.State != tt.state || s.Value != tt.value || s.StateLine != tt.line {
				t.Errorf("got %s value %q line %d (%s), want %s value %q line %d", s.State, s.Value, s.StateLine, s.Detail, tt.state, tt.value, tt.line)
			}
			if tt.skip == SkipPushHost && (s.Skip == nil || s.Skip.Kind != SkipPushHost) {
				t.Errorf("spec skip = %+v, want push-host", s.Skip)
			}
			if tt.skip == "" && (s.Skip != nil || a.Skip != nil) {
				t.Errorf("unexpected skip: file %+v, spec %+v", a.Skip, s.Skip)
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{name: "unterminated string", src: "Gem::Specification.new do |s|\n  s.name = \"x\n", line: 2, msg: "never closed"},
		{name: "unterminated heredoc", src: "Gem::Specification.new do |s|\n  s.description = <<~EOS\n  text\nend\n", line: 2, msg: "heredoc <<EOS is never terminated"},
		{name: "missing end", src: "Gem::Specification.new do |s|\n  s.name = 'x'\n", line: 1, msg: `"do" is never closed`},
		{name: "extra end", src: "Gem::Specification.new do |s|\nend\nend\n", line: 3, msg: "unexpected end"},
		{name: "unbalanced bracket", src: "Gem::Specification.new do |s|\n  s.files = [1, 2)\nend\n", line: 2, msg: `unexpected ")"`},
		{name: "no spec", src: "puts 'hello'\n", msg: "no Gem::Specification.new block found"},
		{name: "no block", src: "spec = Gem::Specification.new\nspec.name = 'x'\n", line: 1, msg: "without a block"},
		{name: "no block variable", src: "Gem::Specification.new do\n  self.name = 'x'\nend\n", line: 1, msg: "no block variable"},
		{name: "unclosed begin comment", src: "=begin\nGem::Specification.new do |s|\nend\n", line: 1, msg: "=begin comment is never closed"},
		{name: "lone dollar", src: "Gem::Specification.new do|s|s.metadata={''=>$\n}end", line: 1, msg: `invalid global variable "$"`},
		{name: "erb in a .gemspec", src: "Gem::Specification.new do |s|\n  s.name = <%= name %>\nend\n", line: 2, msg: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Analyze([]byte(tt.src), "x.gemspec")
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SyntaxError", err)
			}
			if se.Path != "x.gemspec" || se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got %q (line %d), want line %d and %q", err, se.Line, tt.line, tt.msg)
			}
			if _, err := Fix([]byte(tt.src), "x.gemspec", FixOptions{All: true}); !errors.As(err, &se) {
				t.Errorf("Fix: got %v, want the same *SyntaxError", err)
			}
		})
	}
}

func TestFixChoice(t *testing.T) {
	two := "Gem::Specification.new do |s|\n  s.name = 'a'\nend\nGem::Specification.new do |s|\n  s.name = 'b'\nend\n"
	tests := []struct {
		name    string
		path    string
		opts    FixOptions
		reason  string
		touched []string
	}{
		{name: "ambiguous", path: "x.gemspec", reason: "defines 2 specifications (a, b)"},
		{name: "named like the file", path: "dir/b.gemspec", touched: []string{"b"}},
		{name: "by name", path: "x.gemspec", opts: FixOptions{Name: "a"}, touched: []string{"a"}},
		{name: "unknown name", path: "x.gemspec", opts: FixOptions{Name: "c"}, reason: `no specification named "c"`},
		{name: "all", path: "x.gemspec", opts: FixOptions{All: true}, touched: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Fix([]byte(two), tt.path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(e.Reason, tt.reason) || (tt.reason == "") != (e.Reason == "") {
				t.Errorf("reason %q, want %q", e.Reason, tt.reason)
			}
			var got []string
			for _, s := range e.Specs {
				if s.Action == ActionInserted {
					got = append(got, s.Spec.Name)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.touched, ",") {
				t.Errorf("edited %v, want %v", got, tt.touched)
			}
			if len(tt.touched) == 0 && e.Changed() {
				t.Error("the file changed")
			}
		})
	}
}

func TestFixEdits(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		want   string // "" means unchanged
		reason string
	}{
		{
			name: "heredoc as the last value",
			src:  "Gem::Specification.new do |s|\n  s.metadata = {\n    \"a\" => <<~X\n      text\n    X\n  }\nend\n",
			want: "Gem::Specification.new do |s|\n  s.metadata = {\n    \"a\" => <<~X,\n      text\n    X\n    \"rubygems_mfa_required\" => \"true\"\n  }\nend\n",
		},
		{
			name: "index line after a heredoc",
			src:  "Gem::Specification.new do |s|\n  s.metadata['a'] = <<~X.strip\n    text\n  X\nend\n",
			want: "Gem::Specification.new do |s|\n  s.metadata['a'] = <<~X.strip\n    text\n  X\n  s.metadata['rubygems_mfa_required'] = 'true'\nend\n",
		},
		{
			name: "empty multi-line hash",
			src:  "Gem::Specification.new do |s|\n\ts.metadata = {\n\t}\nend\n",
			want: "Gem::Specification.new do |s|\n\ts.metadata = {\n\t\t\"rubygems_mfa_required\" => \"true\"\n\t}\nend\n",
		},
		{
			name: "hanging hash",
			src:  "Gem::Specification.new do |s|\n  s.metadata = { 'a' => 'b',\n                 'c' => 'd' }\nend\n",
			want: "Gem::Specification.new do |s|\n  s.metadata = { 'a' => 'b',\n                 'c' => 'd', 'rubygems_mfa_required' => 'true' }\nend\n",
		},
		{
			name: "no spaces around the arrow",
			src:  "Gem::Specification.new do |s|\n  s.metadata = {'a'=>'b'}\nend\n",
			want: "Gem::Specification.new do |s|\n  s.metadata = {'a'=>'b', 'rubygems_mfa_required'=>'true'}\nend\n",
		},
		{
			name: "empty block",
			src:  "Gem::Specification.new do |s|\nend\n",
			want: "Gem::Specification.new do |s|\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\nend\n",
		},
		{
			name:   "one-line block",
			src:    "Gem::Specification.new { |s| s.name = 'x' }\n",
			reason: "followed by more code on its line",
		},
		{
			name:   "statements joined by semicolons",
			src:    "Gem::Specification.new do |s|\n  s.metadata['a'] = 'b'; s.name = 'x'\nend\n",
			reason: "followed by more code on its line",
		},
		{
			name:   "last value ends with an operator (FuzzFix)",
			src:    "Gem::Specification.new do|s|s.metadata={''=>% }end",
			reason: "does not end like a value",
		},
		{
			name:   "frozen opt-out untouched without override",
			src:    "Gem::Specification.new do |s|\n  s.metadata['rubygems_mfa_required'] = 'false'\nend\n",
			reason: "opted out",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Fix([]byte(tt.src), "x.gemspec", FixOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == "" {
				want = tt.src
			}
			if string(e.New) != want {
				t.Errorf("got:\n%s\nwant:\n%s", e.New, want)
			}
			var reasons []string
			for _, s := range e.Specs {
				reasons = append(reasons, s.Reason)
			}
			if got := strings.Join(reasons, "; "); tt.reason != "" && !strings.Contains(got, tt.reason) {
				t.Errorf("reason %q, want %q", got, tt.reason)
			}
		})
	}
}

func TestGeneratedByToRuby(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		generated bool
	}{
		{
			name:      "old to_ruby output without a stub line",
			src:       "Gem::Specification.new do |s|\n  s.name = \"puma\"\n  s.date = \"2012-04-11\"\n  s.files = [\"lib/puma.rb\"]\n  s.rubygems_version = \"1.8.21\"\nend\n",
			generated: true,
		},
		{
			name: "hand-written file that copied the lines",
			src:  "Gem::Specification.new do |s|\n  s.rubygems_version = '2.2.2'\n  s.name = 'jekyll'\n  s.files = `git ls-files`.split($/)\nend\n",
		},
		{
			name: "rubygems_version alone",
			src:  "Gem::Specification.new do |s|\n  s.rubygems_version = '2.2.2'\n  s.name = 'x'\nend\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Analyze([]byte(tt.src), "x.gemspec")
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Skip != nil && a.Skip.Kind == SkipGenerated; got != tt.generated {
				t.Errorf("generated = %v (%+v), want %v", got, a.Skip, tt.generated)
			}
		})
	}
}
