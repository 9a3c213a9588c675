# Style N: metadata assigned from a constant whose literal sits in the
# same file and is not frozen; an index line goes after the assignment.
# Mimics the METADATA constant pattern of eiskrenkov/fino's root gemspecs,
# inlined.
METADATA = {
  "homepage_uri" => "https://github.com/eiskrenkov/fino",
  "source_code_uri" => "https://github.com/eiskrenkov/fino",
}

Gem::Specification.new do |spec|
  spec.name = "fino-redis"
  spec.version = "1.2.0"
  spec.authors = ["Egor Iskrenkov"]
  spec.summary = "Redis adapter for Fino"
  spec.license = "MIT"
  spec.metadata = METADATA
  spec.files = Dir["lib/fino/redis.rb"]
end
