# frozen_string_literal: true

# Style F with an aligned "=" column; the new line is not realigned.
# Mimics dry-rb/dry-types dry-types.gemspec (hand-written copy, without
# its repo-sync header).
Gem::Specification.new do |spec|
  spec.name          = "dry-types"
  spec.authors       = ["Piotr Solnica"]
  spec.email         = ["piotr.solnica@gmail.com"]
  spec.license       = "MIT"
  spec.version       = "1.8.0".dup.force_encoding(Encoding::UTF_8)

  spec.summary       = "Type system for Ruby supporting coercions, constraints and complex types like structs, value objects, enums etc"
  spec.description   = spec.summary
  spec.homepage      = "https://dry-rb.org/gems/dry-types"
  spec.files         = Dir["CHANGELOG.md", "LICENSE", "README.md", "dry-types.gemspec", "lib/**/*"]
  spec.bindir        = "bin"
  spec.executables   = []
  spec.require_paths = ["lib"]

  spec.metadata["allowed_push_host"] = "https://rubygems.org"
  spec.metadata["changelog_uri"]     = "https://github.com/dry-rb/dry-types/blob/main/CHANGELOG.md"
  spec.metadata["source_code_uri"]   = "https://github.com/dry-rb/dry-types"
  spec.metadata["bug_tracker_uri"]   = "https://github.com/dry-rb/dry-types/issues"
  spec.metadata["rubygems_mfa_required"] = "true"

  spec.required_ruby_version = ">= 3.1"

  # to update dependencies edit project.yml
  spec.add_runtime_dependency "bigdecimal", "~> 3.0"
  spec.add_runtime_dependency "concurrent-ruby", "~> 1.0"
end
