# frozen_string_literal: true

# Style N, followed: the specification is handed to a helper in another
# file, which sets rubygems_mfa_required to "true"; no edit.
# Mimics eiskrenkov/fino fino-solid.gemspec and lib/fino/metadata.rb.
require_relative "../support/fino/version"
require_relative "../support/fino/metadata"

Gem::Specification.new do |spec|
  spec.name     = "fino-solid"
  spec.version  = Fino::VERSION

  spec.authors  = ["Egor Iskrenkov"]
  spec.email    = ["egor@iskrenkov.me"]

  spec.summary  = "ActiveRecord adapter for Fino settings engine"
  spec.homepage = "https://github.com/eiskrenkov/fino"
  spec.license  = "MIT"

  spec.required_ruby_version = Fino::REQUIRED_RUBY_VERSION

  Fino.metadata(spec)

  spec.require_paths = ["lib"]
  spec.files = Dir[
    "README.md",
    "LICENSE",
    "lib/fino/version.rb",
    "lib/fino-solid.rb",
    "lib/fino/solid.rb",
    "lib/fino/solid/**/*"
  ]

  spec.add_dependency "activerecord", ">= 6.1"
end
