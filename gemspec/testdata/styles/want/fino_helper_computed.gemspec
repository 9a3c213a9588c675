# frozen_string_literal: true

# Style N, not settled: the helper in another file sets the MFA flag only
# under a condition, so mfaudit reports "computed", names the helper, and
# does not edit.
# Mimics eiskrenkov/fino fino-ui.gemspec, with a helper in the manner of
# lib/fino/metadata.rb loaded by require File.expand_path(..., __FILE__).
require File.expand_path("../../support/fino_release", __FILE__)

Gem::Specification.new do |spec|
  spec.name     = "fino-ui"
  spec.version  = "1.6.0"
  spec.authors  = ["Egor Iskrenkov"]
  spec.summary  = "Web UI for Fino settings engine"
  spec.homepage = "https://github.com/eiskrenkov/fino"

  Fino::Release.metadata(spec)

  spec.files = Dir["lib/fino/ui/**/*"]
end
