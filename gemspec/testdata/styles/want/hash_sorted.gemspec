# Style D: metadata keys kept in strict alphabetical order; the new key
# goes to its sorted place.
# Mimics rspec/rspec rspec/rspec.gemspec.
Gem::Specification.new do |s|
  s.name        = "rspec"
  s.version     = "3.13.0"
  s.platform    = Gem::Platform::RUBY
  s.license     = "MIT"
  s.authors     = ["Steven Baker", "David Chelimsky", "Myron Marston"]
  s.email       = "rspec@googlegroups.com"
  s.homepage    = "https://rspec.info"
  s.summary     = "rspec-3.13.0"
  s.description = "BDD for Ruby"

  s.metadata = {
    'bug_tracker_uri'   => 'https://github.com/rspec/rspec/issues',
    'changelog_uri'     => "https://github.com/rspec/rspec/blob/rspec-v#{s.version}/rspec/Changelog.md",
    'documentation_uri' => 'https://rspec.info/documentation/',
    'mailing_list_uri'  => 'https://groups.google.com/forum/#!forum/rspec',
    'rubygems_mfa_required' => 'true',
    'source_code_uri'   => 'https://github.com/rspec/rspec/blob/rspec-v3.13.0/rspec',
  }

  s.files            = ["LICENSE.md", "README.md"]
  s.rdoc_options     = ["--charset=UTF-8"]
  s.require_path     = "lib"

  %w[core mocks expectations].each do |name|
    s.add_runtime_dependency "rspec-#{name}", "~> 3.13.0"
  end
end
