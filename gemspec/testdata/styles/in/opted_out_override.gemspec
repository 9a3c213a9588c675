# frozen_string_literal: true

# Style J, overridden: the explicit "false" becomes "true", quotes kept;
# nothing else changes.
# Mimics allure-framework/allure-ruby allure-rspec/allure-rspec.gemspec.
Gem::Specification.new do |s|
  s.name = "allure-rspec"
  s.version = "2.26.0"
  s.platform = Gem::Platform::RUBY
  s.authors = ["Andrejs Cunskis"]
  s.email = ["andrejs.cunskis@gmail.com"]
  s.homepage = "https://github.com/allure-framework/allure-ruby"
  s.summary = "Allure rspec ruby adaptor"
  s.description = "Cucumber adaptor to generate rich allure test reports"
  s.required_ruby_version = ">= 3.1"
  s.license = "Apache-2.0"

  s.metadata = {
    "bug_tracker_uri" => "https://github.com/allure-framework/allure-ruby/issues",
    "changelog_uri" => "https://github.com/allure-framework/allure-ruby/releases",
    "documentation_uri" => "https://github.com/allure-framework/allure-ruby/blob/master/allure-rspec/README.md",
    "source_code_uri" => "https://github.com/allure-framework/allure-ruby/tree/master/allure-rspec",
    "wiki_uri" => "https://github.com/allure-framework/allure-ruby/wiki",
    "rubygems_mfa_required" => "false"
  }

  s.files = Dir["lib/**/*.rb"] + ["README.md"]
  s.require_paths = ["lib"]
  s.add_dependency "rspec-core", ">= 3.8", "< 4"
end
