# Style N: metadata built by a helper defined in another file and assigned
# whole; mfaudit follows it to the Hash literal it returns, which sets the
# flag: required, no edit (without a reader: computed).
# Mimics eiskrenkov/fino (lib/fino/metadata.rb builds the Hash).
require_relative "../support/fino_metadata"

Gem::Specification.new do |spec|
  spec.name = "fino-solid"
  spec.version = "1.2.0"
  spec.authors = ["Egor Iskrenkov"]
  spec.summary = "Solid Cache adapter for Fino"
  spec.license = "MIT"
  spec.metadata = Fino::Metadata.for(spec)
  spec.files = Dir["lib/fino/solid.rb"]
end
