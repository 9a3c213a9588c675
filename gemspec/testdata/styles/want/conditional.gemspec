# Metadata set inside a conditional: which branch runs is not known
# without running Ruby, so the state is "computed" and nothing is edited.
# Mimics the platform branches of ruby/json json.gemspec.
Gem::Specification.new do |s|
  s.name = "json_pure_like"
  s.version = "2.10.2"
  s.summary = "JSON Implementation for Ruby"
  s.authors = ["Florian Frank"]
  if RUBY_ENGINE == 'jruby'
    s.metadata['rubygems_mfa_required'] = 'true'
  end
  s.files = ["lib/json.rb"]
end
