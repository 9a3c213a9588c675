# Style L: Symbol metadata keys. RubyGems refuses to build this
# specification ("metadata keys must be a String"), so it protects
# nothing; reported as invalid and never edited.
# Mimics chaunce/active_reporter active_reporter.gemspec.
Gem::Specification.new do |s|
  s.name        = "active_reporter"
  s.version     = "0.7.2"
  s.summary     = "Framework for aggregate reports"
  s.authors     = ["Chaunce"]
  s.homepage    = "https://github.com/chaunce/active_reporter"
  s.license     = "MIT"
  s.metadata    = { rubygems_mfa_required: "true", source_code_uri: "https://github.com/chaunce/active_reporter" }
  s.files       = Dir["lib/**/*"]
end
