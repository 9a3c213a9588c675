# Style P: several Gem::Specification.new blocks in one file; only the
# one whose name matches is edited (or all, when asked).
# Mimics tanema/stir_fry, which defines more than one gem from a root.
shared_metadata = {
  "source_code_uri" => "https://github.com/tanema/stir_fry",
}

Gem::Specification.new do |s|
  s.name     = "stir_fry"
  s.version  = "0.4.0"
  s.summary  = "A small framework"
  s.authors  = ["Tim Anema"]
  s.license  = "MIT"
  s.metadata["source_code_uri"] = shared_metadata["source_code_uri"]
  s.files    = Dir["lib/stir_fry/**/*.rb"]
end

Gem::Specification.new do |s|
  s.name     = "nextrb"
  s.version  = "0.1.0"
  s.summary  = "Next-generation helpers"
  s.authors  = ["Tim Anema"]
  s.license  = "MIT"
  s.metadata["rubygems_mfa_required"] = "true"
  s.files    = Dir["lib/nextrb/**/*.rb"]
end
