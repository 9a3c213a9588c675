# The spec is assigned to a variable and returned at the end.
# Mimics ruby/json json.gemspec.
spec = Gem::Specification.new do |s|
  java_ext = Gem::Platform === s.platform && s.platform =~ 'java' || RUBY_ENGINE == 'jruby'

  s.name = "json"
  s.version = "2.10.2"

  s.summary = "JSON Implementation for Ruby"
  s.homepage = "https://github.com/ruby/json"
  s.metadata = {
    'bug_tracker_uri'   => 'https://github.com/ruby/json/issues',
    'changelog_uri'     => 'https://github.com/ruby/json/blob/master/CHANGES.md',
    'documentation_uri' => 'https://docs.ruby-lang.org/en/master/JSON.html',
    'homepage_uri'      => s.homepage,
    'rubygems_mfa_required' => 'true',
    'source_code_uri'   => 'https://github.com/ruby/json',
  }

  s.required_ruby_version = Gem::Requirement.new(">= 2.7")

  if java_ext
    s.description = "A JSON implementation as a JRuby extension."
    s.platform = 'java'
  else
    s.description = "This is a JSON implementation as a Ruby extension in C."
  end

  s.licenses = ['Ruby']
  s.authors = ["Florian Frank"]
  s.email = 'flori@ping.de'
  s.files = ["README.md", "lib/json.rb"]
end

spec
