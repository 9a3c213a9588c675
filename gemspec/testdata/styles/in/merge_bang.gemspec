# Style M: positional constructor with parentheses, and metadata added
# with merge! of Symbol keys passed through transform_keys(&:to_s); the
# new index line goes after the merge!.
# Mimics rkh/farce farce.gemspec.
module Farce
  VERSION = "0.1.0"
end

Gem::Specification.new("farce", Farce::VERSION) do |s|
  s.author = "Konstantin Haase"
  s.email = "k.haase@finn.auto"
  s.summary = "Fake data for Ruby, the fun way."
  s.license = "MIT"
  s.files = ["lib/farce.rb", "README.md"]
  github = "https://github.com/rkh/farce"
  s.homepage = github
  s.metadata.merge!({
    bug_tracker_uri: "#{github}/issues",
    source_code_uri: "#{github}.git"
  }.transform_keys(&:to_s))
  s.required_ruby_version = ">= 3.1"
end
