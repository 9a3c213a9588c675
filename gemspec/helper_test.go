package gemspec

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// mapReader reads files from a map and records the names asked for.
type mapReader struct {
	files map[string]string
	asked []string
}

func (m *mapReader) read(name string) ([]byte, error) {
	m.asked = append(m.asked, name)
	if strings.HasPrefix(name, "../") {
		return nil, fmt.Errorf("%s is outside the project", name)
	}
	s, ok := m.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

// finoSpec is a gemspec in the manner of eiskrenkov/fino fino-solid.gemspec
// with the given requires and body lines.
func finoSpec(requires string, body ...string) string {
	return requires + "\nGem::Specification.new do |spec|\n  spec.name = \"fino-solid\"\n  spec.homepage = \"https://github.com/eiskrenkov/fino\"\n" +
		strings.Join(body, "\n") + "\n  spec.files = Dir[\"lib/**/*.rb\"]\nend\n"
}

const (
	reqMeta = `require_relative "lib/fino/metadata"`

	// finoHelper is eiskrenkov/fino lib/fino/metadata.rb.
	finoHelper = `# frozen_string_literal: true

require_relative "version"

module Fino
  module_function

  def metadata(spec)
    spec.metadata["source_code_uri"]       = spec.homepage
    spec.metadata["rubygems_mfa_required"] = "true"
  end
end
`
)

func TestHelperFollowed(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		files   map[string]string
		state   State
		value   string
		line    int
		detail  string // Detail contains it
		fixed   string // a line the fixed file contains; "" means unchanged
		reason  string // the reason Fix gives, when it does not edit
		asked   string // the names read, joined by ","
		noRead  State  // the state without a reader
		options FixOptions
	}{
		{
			name:  "module_function helper sets the flag",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Required, value: "true", line: 5,
			detail: `rubygems_mfa_required is "true", set by Fino.metadata(spec) in lib/fino/metadata.rb:10`,
			asked:  "lib/fino/metadata.rb", noRead: Missing,
		},
		{
			name:  "def self in a nested module, assigned whole",
			src:   finoSpec(`require_relative "lib/fino/metadata.rb"`, "  spec.metadata = Fino::Metadata.for(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  module Metadata\n    def self.for(spec)\n      {\n        \"homepage_uri\" => spec.homepage,\n        \"rubygems_mfa_required\" => \"true\"\n      }\n    end\n  end\nend\n"},
			state: Required, value: "true", line: 5, detail: "set by Fino::Metadata.for(spec) in lib/fino/metadata.rb:6",
			noRead: Computed,
		},
		{
			name:  "module path written at once, command call",
			src:   finoSpec(`require File.expand_path("lib/fino/metadata", __dir__)`, "  Fino::Metadata.apply spec"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino::Metadata\n  extend self\n\n  def apply(s)\n    s.metadata['rubygems_mfa_required'] = 'true'\n  end\nend\n"},
			state: Required, value: "true", line: 5, detail: "lib/fino/metadata.rb:5", noRead: Missing,
		},
		{
			name:  "the metadata is handed over",
			src:   finoSpec(`require File.expand_path("../lib/fino/metadata", __FILE__)`, "  Fino.metadata(spec.metadata)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(md)\n    md[\"rubygems_mfa_required\"] = \"true\"\n  end\nend\n"},
			state: Required, value: "true", line: 5, asked: "lib/fino/metadata.rb", noRead: Missing,
		},
		{
			name:  "top-level method without a receiver",
			src:   finoSpec(`require_relative "./gemspec_helpers"`, "  common_metadata(spec)"),
			files: map[string]string{"gemspec_helpers.rb": "def common_metadata(spec)\n  spec.metadata[\"rubygems_mfa_required\"] = \"true\"\nend\n"},
			state: Required, value: "true", line: 5, asked: "gemspec_helpers.rb", noRead: Missing,
		},
		{
			name:  "defined in the gemspec itself",
			src:   "module Fino\n  def self.metadata(spec)\n    spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n  end\nend\n" + finoSpec("", "  Fino.metadata(spec)"),
			state: Required, value: "true", line: 10, detail: "in x.gemspec:3", noRead: Missing,
		},
		{
			name:  "helper sets other metadata: the line goes after the call",
			src:   finoSpec(reqMeta, "  spec.metadata[\"homepage_uri\"] = spec.homepage", "  Fino.metadata(spec)", "  spec.license = \"MIT\""),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata = { \"source_code_uri\" => spec.homepage }\n  end\nend\n"},
			state: Missing, detail: "followed Fino.metadata(spec) (lib/fino/metadata.rb:2), which sets other metadata only",
			fixed: "  Fino.metadata(spec)\n  spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n  spec.license", noRead: Missing,
		},
		{
			name:  "helper's frozen Hash: no line can follow",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata = { \"source_code_uri\" => spec.homepage }.freeze\n  end\nend\n"},
			state: Missing, reason: "makes the metadata a frozen Hash, so no line can add the key after it; add it in lib/fino/metadata.rb:2", noRead: Missing,
		},
		{
			name:  "returned frozen Hash: no line can follow",
			src:   finoSpec(reqMeta, "  spec.metadata = Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    { \"source_code_uri\" => spec.homepage }.freeze\n  end\nend\n"},
			state: Missing, reason: "frozen Hash", noRead: Computed,
		},
		{
			name:  "the gemspec sets the flag after the helper",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)", "  spec.metadata[\"rubygems_mfa_required\"] = \"true\""),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata = {}\n  end\nend\n"},
			state: Required, value: "true", line: 6, detail: `rubygems_mfa_required is "true"`, noRead: Required,
		},
		{
			name:  "the gemspec clobbers the helper's flag",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)", "  spec.metadata = {", "    \"homepage_uri\" => spec.homepage", "  }"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Missing, fixed: "    \"homepage_uri\" => spec.homepage,\n    \"rubygems_mfa_required\" => \"true\"\n  }", noRead: Missing,
		},
		{
			name:  "helper opts out",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata[\"rubygems_mfa_required\"] = \"false\"\n  end\nend\n"},
			state: OptedOut, value: "false", line: 5, reason: "opted out in another file: Fino.metadata(spec) sets rubygems_mfa_required to \"false\" in lib/fino/metadata.rb; change it there",
			options: FixOptions{OverrideOptOut: true}, noRead: Missing,
		},
		{
			name:  "helper with Symbol keys",
			src:   finoSpec(reqMeta, "  spec.metadata = Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    { rubygems_mfa_required: \"true\" }\n  end\nend\n"},
			state: Invalid, line: 5, detail: "metadata keys must be Strings, not Symbols (rubygems_mfa_required:), in Fino.metadata(spec) (lib/fino/metadata.rb:3)", noRead: Computed,
		},
		{
			name:  "helper sets the flag conditionally",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata[\"rubygems_mfa_required\"] = \"true\" if ENV[\"RELEASE\"]\n  end\nend\n"},
			state: Computed, line: 5, detail: "metadata is changed conditionally or in a loop, in Fino.metadata(spec) (lib/fino/metadata.rb:3)", noRead: Missing,
		},
		{
			name:  "the helper is called conditionally",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec) if ENV[\"RELEASE\"]"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Computed, line: 5, detail: "the specification is passed to code mfaudit does not follow (Fino.metadata(spec) if ENV[\"RELEASE\"])", noRead: Missing,
		},
		{
			name:  "helper not defined where the gemspec looks",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.other(spec)\n  end\nend\n"},
			state: Computed, line: 5, detail: "metadata is handed to Fino.metadata(spec), which mfaudit cannot follow: Fino.metadata is defined neither in this file nor in lib/fino/metadata.rb (one level of require_relative is followed)", noRead: Missing,
		},
		{
			name:  "instance method is not the module's",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def metadata(spec)\n    spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n  end\nend\n"},
			state: Computed, detail: "Fino.metadata is defined neither", line: 5, noRead: Missing,
		},
		{
			name:  "no file required",
			src:   finoSpec(`require "fino/metadata"`, "  Fino.metadata(spec)"),
			state: Computed, line: 5, detail: "Fino.metadata is not defined in this file, which loads no other file with require_relative", noRead: Missing,
		},
		{
			name:  "helper hands the specification on",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    Fino::Base.metadata(spec)\n  end\nend\n"},
			state: Computed, line: 5, detail: "passes the specification on to other code, which is not followed (one level only) (line 3)", noRead: Missing,
		},
		{
			name:  "helper taps the specification",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.tap { |s| s.metadata[\"rubygems_mfa_required\"] = \"false\" }\n  end\nend\n"},
			state: Computed, line: 5, detail: "calls tap on the specification", noRead: Missing,
		},
		{
			name:  "helper returns early",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    return if spec.name == \"fino\"\n    spec.metadata[\"rubygems_mfa_required\"] = \"true\"\n  end\nend\n"},
			state: Computed, line: 5, detail: "uses return", noRead: Missing,
		},
		{
			name:  "defined twice",
			src:   finoSpec(reqMeta+"\nrequire_relative \"lib/fino/other\"", "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper, "lib/fino/other.rb": "module Fino\n  def self.metadata(spec)\n  end\nend\n"},
			state: Computed, line: 6, detail: "Fino.metadata is defined more than once (lib/fino/metadata.rb:8, lib/fino/other.rb:2)", noRead: Missing,
		},
		{
			name:  "a required file cannot be read",
			src:   finoSpec(reqMeta+"\nrequire_relative \"lib/fino/version\"", "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Computed, line: 6, detail: "another required file could redefine it (lib/fino/version.rb (line 2) cannot be read: file does not exist)", noRead: Missing,
		},
		{
			name:  "outside the project",
			src:   finoSpec(`require_relative "../shared/metadata"`, "  Fino.metadata(spec)"),
			state: Computed, line: 5, detail: "../shared/metadata.rb (line 1) cannot be read: ../shared/metadata.rb is outside the project", asked: "../shared/metadata.rb", noRead: Missing,
		},
		{
			name:  "absolute path",
			src:   finoSpec(`require_relative "/etc/fino/metadata"`, "  Fino.metadata(spec)"),
			state: Computed, line: 5, detail: `the file required at line 1 ("/etc/fino/metadata") is not a relative path inside the project`, asked: "", noRead: Missing,
		},
		{
			name:  "path cleaned before it is read",
			src:   finoSpec(`require_relative "./lib//fino/../fino/metadata"`, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Required, value: "true", line: 5, asked: "lib/fino/metadata.rb", noRead: Missing,
		},
		{
			name:  "computed require path",
			src:   finoSpec(`require_relative "lib/#{name}/metadata"`, "  Fino.metadata(spec)"),
			state: Computed, line: 5, detail: "require_relative at line 1 has a computed path", noRead: Missing,
		},
		{
			name:  "helper file cannot be lexed",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": "module Fino\n  def self.metadata(spec)\n    spec.metadata[\"x] = 1\n  end\nend\n"},
			state: Computed, line: 5, detail: "lib/fino/metadata.rb cannot be read with confidence: lib/fino/metadata.rb:3: string starting here is never closed", noRead: Missing,
		},
		{
			name:  "helper file too large",
			src:   finoSpec(reqMeta, "  Fino.metadata(spec)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper + strings.Repeat("#\n", MaxHelperSize/2)},
			state: Computed, line: 5, detail: "lib/fino/metadata.rb (line 1) is larger than 256 KiB", noRead: Missing,
		},
		{
			name:  "passed to unknown code after the flag, inside the guard",
			src:   finoSpec(reqMeta, "  if spec.respond_to?(:metadata)", "    spec.metadata[\"rubygems_mfa_required\"] = \"true\"", "    Fino.configure(spec, strict: true)", "  end"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Computed, line: 7, detail: "the specification is passed to code mfaudit does not follow", noRead: Required,
		},
		{
			name:  "passed to unknown code before the flag",
			src:   finoSpec(reqMeta, "  Fino.configure(spec, strict: true)", "  spec.metadata[\"rubygems_mfa_required\"] = \"true\""),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Required, value: "true", line: 6, noRead: Required,
		},
		{
			name:  "specification passed to unknown code",
			src:   finoSpec(reqMeta, "  Fino.configure(spec, strict: true)"),
			files: map[string]string{"lib/fino/metadata.rb": finoHelper},
			state: Computed, line: 5, detail: "the specification is passed to code mfaudit does not follow (Fino.configure(spec, strict: true))", noRead: Missing,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &mapReader{files: tt.files}
			a, err := AnalyzeWith([]byte(tt.src), "x.gemspec", AnalyzeOptions{Read: r.read})
			if err != nil {
				t.Fatal(err)
			}
			s := a.Specs[0]
			if s.State != tt.state || s.Value != tt.value || tt.line != 0 && s.StateLine != tt.line {
				t.Errorf("got %s value %q line %d (%s), want %s value %q line %d", s.State, s.Value, s.StateLine, s.Detail, tt.state, tt.value, tt.line)
			}
			if !strings.Contains(s.Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", s.Detail, tt.detail)
			}
			if tt.asked != "" || tt.name == "absolute path" {
				got := append([]string(nil), r.asked...)
				sort.Strings(got)
				if strings.Join(got, ",") != tt.asked {
					t.Errorf("read %q, want %q", got, tt.asked)
				}
			}

			opts := tt.options
			opts.Read = r.read
			e, err := Fix([]byte(tt.src), "x.gemspec", opts)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.fixed != "":
				if !strings.Contains(string(e.New), tt.fixed) {
					t.Errorf("fixed file lacks %q:\n%s", tt.fixed, e.New)
				}
			case e.Changed():
				t.Errorf("the file changed:\n%s", UnifiedDiff("old", "new", e.Old, e.New))
			}
			if tt.reason != "" && !strings.Contains(e.Specs[0].Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", e.Specs[0].Reason, tt.reason)
			}
			if e.Changed() {
				after, err := AnalyzeWith(e.New, "x.gemspec", AnalyzeOptions{Read: r.read})
				if err != nil || after.Specs[0].State != Required {
					t.Errorf("after the edit: %v %+v", err, after)
				}
			}

			// Without a reader nothing is read, as before helpers were
			// followed.
			plain, err := Analyze([]byte(tt.src), "x.gemspec")
			if err != nil {
				t.Fatal(err)
			}
			if plain.Specs[0].State != tt.noRead {
				t.Errorf("without a reader: %s (%s), want %s", plain.Specs[0].State, plain.Specs[0].Detail, tt.noRead)
			}
		})
	}
}

func TestFSReader(t *testing.T) {
	fsys := fstest.MapFS{
		"gems/fino/lib/fino/metadata.rb": {Data: []byte(finoHelper)},
		"shared/x.rb":                    {Data: []byte("x")},
		"gems/fino/big.rb":               {Data: make([]byte, MaxHelperSize+1)},
		"gems/fino/lib/dir/keep.rb":      {Data: []byte("")},
	}
	read := FSReader(fsys, "gems/fino")
	if b, err := read("lib/fino/metadata.rb"); err != nil || string(b) != finoHelper {
		t.Errorf("read: %q %v", b, err)
	}
	if b, err := read("../../shared/x.rb"); err != nil || string(b) != "x" {
		t.Errorf("inside the root through ..: %q %v", b, err)
	}
	for _, name := range []string{"../../../etc/passwd", "/etc/passwd", "big.rb", "lib/dir", "missing.rb"} {
		if _, err := read(name); err == nil {
			t.Errorf("%s: read, want an error", name)
		} else if name == "missing.rb" && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := read("../../../etc/passwd"); err == nil || !strings.Contains(err.Error(), "outside the project") {
		t.Errorf("outside: %v", err)
	}
}

func TestPushHost(t *testing.T) {
	tests := []struct {
		value string
		skip  bool
		note  bool
		why   string
	}{
		{value: "https://rubygems.org"},
		{value: "https://RubyGems.org/"},
		{value: "http://www.rubygems.org"},
		{value: "RubyGems.org", note: true, why: `allowed_push_host is "RubyGems.org", a bare host rather than a URL`},
		{value: "rubygems.org", note: true},
		{value: "RUBYGEMS.ORG", note: true},
		{value: "gems.example.com", skip: true, why: `allowed_push_host is "gems.example.com", a host other than RubyGems.org, so the gem is not published there`},
		{value: "rubygems.org.evil.com", skip: true, why: "a host other than RubyGems.org"},
		{value: "https://gems.example.com", skip: true, why: `allowed_push_host is "https://gems.example.com", a server other than RubyGems.org, so the gem is not published there`},
		{value: "https://rubygems.org/private", skip: true, why: "a server other than RubyGems.org"},
		{value: "NONE", skip: true, why: `allowed_push_host is "NONE", which is not RubyGems.org's address, so gem push will not publish the gem there`},
		{value: "TODO: Set to 'http://mygemserver.com'", skip: true, why: "not RubyGems.org's address"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := spec(`  s.metadata["allowed_push_host"] = "`+tt.value+`"`, `  s.metadata["rubygems_mfa_required"] = "true"`)
			a, err := Analyze([]byte(src), "demo.gemspec")
			if err != nil {
				t.Fatal(err)
			}
			s := a.Specs[0]
			if s.State != Required {
				t.Errorf("state %s", s.State)
			}
			if (s.Skip != nil) != tt.skip {
				t.Errorf("skip %+v, want %v", s.Skip, tt.skip)
			}
			if (len(s.Notes) > 0) != tt.note {
				t.Errorf("notes %q, want %v", s.Notes, tt.note)
			}
			got := strings.Join(s.Notes, "")
			if s.Skip != nil {
				got += s.Skip.Reason
			}
			if !strings.Contains(got, tt.why) {
				t.Errorf("%q lacks %q", got, tt.why)
			}
			if strings.Contains(got, "not RubyGems.org") && !strings.Contains(got, "not RubyGems.org's") {
				t.Errorf("self-contradicting reason %q", got)
			}
		})
	}
}

// TestTemplateLineJoined covers a commented-out template line that,
// uncommented, would join the statement before it (found by FuzzFix): the
// line is not offered for uncommenting, and no line is added where Ruby
// would read it as part of that statement.
func TestTemplateLineJoined(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		opts   FixOptions
		state  State
		want   string // "" means unchanged
		reason string
	}{
		{
			name:  "fuzz: a trailing operator continues past the comment",
			src:   "Gem::Specification.new do|spec|0\"\"0\"\"0#0000000\n000000!\n#spec.metadata[\"rubygems_mfa_required\"]=\"true\"\nend",
			opts:  FixOptions{All: true, OverrideOptOut: true},
			state: Missing, reason: "runs into its end",
		},
		{
			name:  "a trailing + continues past the comment",
			src:   "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  s.files = Dir[\"lib/**/*\"] +\n  # s.metadata[\"rubygems_mfa_required\"] = \"true\"\n    Dir[\"exe/*\"]\n  s.license = \"MIT\"\nend\n",
			state: Missing,
			want:  "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\n  s.files = Dir[\"lib/**/*\"] +\n  # s.metadata[\"rubygems_mfa_required\"] = \"true\"\n    Dir[\"exe/*\"]\n  s.license = \"MIT\"\nend\n",
		},
		{
			name:  "a leading-dot chain continues after the comment",
			src:   "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  s.files = Dir[\"lib/**/*\"]\n  # s.metadata[\"rubygems_mfa_required\"] = \"true\"\n    .sort\nend\n",
			state: Missing,
			want:  "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\n  s.files = Dir[\"lib/**/*\"]\n  # s.metadata[\"rubygems_mfa_required\"] = \"true\"\n    .sort\nend\n",
		},
		{
			name:  "a statement of its own is uncommented",
			src:   "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  # s.metadata[\"rubygems_mfa_required\"] = \"true\"\n  s.license = \"MIT\"\nend\n",
			state: CommentedOut,
			want:  "Gem::Specification.new do |s|\n  s.name = \"demo\"\n  s.metadata[\"rubygems_mfa_required\"] = \"true\"\n  s.license = \"MIT\"\nend\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Analyze([]byte(tt.src), "x.gemspec")
			if err != nil {
				t.Fatal(err)
			}
			if a.Specs[0].State != tt.state {
				t.Errorf("state %s (%s), want %s", a.Specs[0].State, a.Specs[0].Detail, tt.state)
			}
			e, err := Fix([]byte(tt.src), "x.gemspec", tt.opts)
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
			if tt.reason != "" && !strings.Contains(e.Specs[0].Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", e.Specs[0].Reason, tt.reason)
			}
		})
	}
}

func TestFixOthers(t *testing.T) {
	src := "Gem::Specification.new do |s|\n  s.name = 'a'\nend\nGem::Specification.new do |s|\n  s.name = 'b'\nend\n"
	e, err := Fix([]byte(src), "b.gemspec", FixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Specs) != 1 || e.Specs[0].Spec.Name != "b" || len(e.Others) != 1 || e.Others[0].Name != "a" || e.Others[0].State != Missing {
		t.Errorf("specs %+v, others %+v", e.Specs, e.Others)
	}
	if e, _ := Fix([]byte(src), "x.gemspec", FixOptions{All: true}); len(e.Others) != 0 {
		t.Errorf("--all: others %+v", e.Others)
	}
}
