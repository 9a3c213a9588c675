# encoding: utf-8
# Text that looks like code but is not: strings in both quote styles with
# braces, %-literals, heredocs, regexps, =begin comments and __END__.
# Mimics the busy layout of sparklemotion/nokogiri nokogiri.gemspec.
=begin
spec.metadata = { "rubygems_mfa_required" => "false" }
=end
Gem::Specification.new do |spec|
  spec.name = "nokogiri"
  spec.version = "1.18.0"
  spec.summary = %q{Nokogiri (鋸) makes it easy and painless to work with XML and HTML from Ruby. {"quoted"}}
  spec.description = <<~EOF
    Nokogiri (鋸) makes it easy and painless to work with XML and HTML from Ruby. It provides a
    sensible, easy-to-understand API for reading, writing, modifying, and querying documents.
    spec.metadata = {
  EOF
  spec.authors = ['Mike Dalessio', "Aaron Patterson", %(Yoko Harada)]
  spec.homepage = "https://nokogiri.org"
  spec.license = "MIT"
  spec.required_ruby_version = ">= 3.1.0"
  odd = "a '#' is not a comment; nor is \"}\" or #{"}"}" # but this is, { and all
  spec.files = %w[LICENSE.md README.md] .reject { |f| f =~ /\A(?:test|spec)\/{1}/ }
  spec.metadata = {
    "bug_tracker_uri" => "https://github.com/sparklemotion/nokogiri/issues",
    "changelog_uri" => "https://nokogiri.org/CHANGELOG.html",
    "documentation_uri" => "https://nokogiri.org/rdoc/index.html",
    "homepage_uri" => spec.homepage,
    "source_code_uri" => "https://github.com/sparklemotion/nokogiri", # comment with "quotes" and }
  }
  spec.add_runtime_dependency("racc", "~> 1.4")
end
__END__
spec.metadata["rubygems_mfa_required"] = "false"
