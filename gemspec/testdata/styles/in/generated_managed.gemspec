# frozen_string_literal: true
# this file is managed by dry-rb/devtools project

# Skipped: the header says a tool writes this file into every gem of the
# organisation, so an edit here would be overwritten by the next sync.
# Mimics dry-rb/dry-struct dry-struct.gemspec (devtools era).

Gem::Specification.new do |spec|
  spec.name          = 'dry-struct'
  spec.authors       = ["Piotr Solnica"]
  spec.license       = 'MIT'
  spec.version       = '1.0.0'
  spec.summary       = "Typed structs and value objects"
  spec.files         = []
  spec.require_paths = ['lib']

  spec.metadata['allowed_push_host'] = 'https://rubygems.org'
  spec.metadata['source_code_uri']   = 'https://github.com/dry-rb/dry-struct'
  spec.metadata['bug_tracker_uri']   = 'https://github.com/dry-rb/dry-struct/issues'
end
