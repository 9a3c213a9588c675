# frozen_string_literal: true

# Style N: metadata assigned from a frozen constant in the same file; an
# index line would raise FrozenError, so the constant's literal is edited.
# Mimics the METADATA constant pattern of eiskrenkov/fino's root gemspecs,
# with the constant frozen.
METADATA = {
  "homepage_uri" => "https://github.com/eiskrenkov/fino",
  "rubygems_mfa_required" => "true",
  "source_code_uri" => "https://github.com/eiskrenkov/fino"
}.freeze

Gem::Specification.new do |spec|
  spec.name = "fino"
  spec.version = "1.2.0"
  spec.authors = ["Egor Iskrenkov"]
  spec.summary = "Feature flags and settings for Ruby"
  spec.license = "MIT"
  spec.metadata = METADATA
  spec.files = Dir["lib/**/*.rb"]
end
