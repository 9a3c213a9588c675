package gemspec_test

import (
	"fmt"
	"testing/fstest"

	"github.com/mfaudit/mfaudit/gemspec"
)

func ExampleFix() {
	src := []byte(`Gem::Specification.new do |spec|
  spec.name = "demo"
  spec.version = "1.0.0"
  spec.metadata = {
    "source_code_uri" => "https://example.com/demo"
  }
end
`)
	e, err := gemspec.Fix(src, "demo.gemspec", gemspec.FixOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range e.Specs {
		fmt.Println(s.Spec.Name, s.Spec.State, "->", s.Action, "inserted", s.Inserted, "changed", s.Changed)
	}
	fmt.Print(string(gemspec.UnifiedDiff("a/demo.gemspec", "b/demo.gemspec", e.Old, e.New)))
	// Output:
	// demo missing -> inserted inserted [6] changed [5]
	// --- a/demo.gemspec
	// +++ b/demo.gemspec
	// @@ -2,6 +2,7 @@
	//    spec.name = "demo"
	//    spec.version = "1.0.0"
	//    spec.metadata = {
	// -    "source_code_uri" => "https://example.com/demo"
	// +    "source_code_uri" => "https://example.com/demo",
	// +    "rubygems_mfa_required" => "true"
	//    }
	//  end
}

func ExampleAnalyzeWith() {
	src := []byte(`require_relative "lib/fino/metadata"

Gem::Specification.new do |spec|
  spec.name = "fino-solid"
  Fino.metadata(spec)
end
`)
	repo := fstest.MapFS{
		"fino-solid.gemspec": {Data: src},
		"lib/fino/metadata.rb": {Data: []byte(`module Fino
  module_function

  def metadata(spec)
    spec.metadata["rubygems_mfa_required"] = "true"
  end
end
`)},
	}
	a, err := gemspec.AnalyzeWith(src, "fino-solid.gemspec", gemspec.AnalyzeOptions{Read: gemspec.FSReader(repo, ".")})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := a.Specs[0]
	fmt.Println(s.State, "at line", s.StateLine, "-", s.Detail)
	// Output:
	// required at line 5 - rubygems_mfa_required is "true", set by Fino.metadata(spec) in lib/fino/metadata.rb:5
}
