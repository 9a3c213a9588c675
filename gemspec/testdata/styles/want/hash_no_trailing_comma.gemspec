# frozen_string_literal: true

# Style B: multi-line Hash with no comma after the last pair, whose last
# value is written on the line after its key (and a trailing comment).
# Mimics lostisland/faraday faraday.gemspec before commit 9cdc025.
module Faraday
  VERSION = "2.9.0"
end

Gem::Specification.new do |spec|
  spec.name    = 'faraday'
  spec.version = Faraday::VERSION

  spec.summary = 'HTTP/REST API client library.'

  spec.authors  = ['@technoweenie', '@iMacTia', '@olleolleolle']
  spec.email    = 'technoweenie@gmail.com'
  spec.homepage = 'https://lostisland.github.io/faraday'
  spec.licenses = ['MIT']

  spec.required_ruby_version = '>= 3.0'

  # faraday-net_http is the "default adapter", but being a Faraday dependency it can't
  # control which version of net/http it will use.
  spec.add_dependency 'faraday-net_http', '>= 2.0', '< 3.2'
  spec.add_dependency 'logger'

  # Includes `examples` and `spec` to allow external adapter gems to run Faraday unit and integration tests
  spec.files = Dir['CHANGELOG.md', '{examples,lib,spec}/**/*', 'LICENSE.md', 'Rakefile', 'README.md']
  spec.require_paths = %w[lib spec/external_adapters]
  spec.metadata = {
    'homepage_uri' => 'https://lostisland.github.io/faraday',
    'changelog_uri' =>
      "https://github.com/lostisland/faraday/releases/tag/v#{spec.version}", # moved to GitHub releases
    'source_code_uri' => 'https://github.com/lostisland/faraday',
    'bug_tracker_uri' => 'https://github.com/lostisland/faraday/issues',
    'rubygems_mfa_required' => 'true'
  } # end of metadata
end
