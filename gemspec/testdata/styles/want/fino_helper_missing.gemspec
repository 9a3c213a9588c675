# frozen_string_literal: true

# Style N, followed: the helper in another file assigns the whole metadata
# Hash without the MFA flag, so the index line goes after the helper call
# (before it, the helper would wipe it).
# Mimics eiskrenkov/fino fino-redis.gemspec, with a helper in the manner of
# lib/fino/metadata.rb loaded by require File.expand_path.
require File.expand_path("../support/fino_gemspec", __dir__)

Gem::Specification.new do |spec|
  spec.name     = "fino-redis"
  spec.version  = "1.6.0"

  spec.authors  = ["Egor Iskrenkov"]
  spec.email    = ["egor@iskrenkov.me"]

  spec.summary  = "Redis adapter for Fino settings engine"
  spec.homepage = "https://github.com/eiskrenkov/fino"

  spec.required_ruby_version = ">= 3.0.0"

  spec.metadata["homepage_uri"] = spec.homepage
  Fino::Gemspec.metadata(spec)
  spec.metadata["rubygems_mfa_required"] = "true"

  spec.files         = Dir["README.md", "lib/fino/version.rb", "lib/fino/redis/**/*"]
  spec.require_paths = ["lib"]

  spec.add_dependency "redis", ">= 5.0"
end
