# frozen_string_literal: true

# Style G: index lines inside an `if spec.respond_to?(:metadata)` guard,
# the old `bundle gem` template; the new line goes inside the branch.
# Mimics makandra/cloud_test cloud_test.gemspec.
Gem::Specification.new do |spec|
  spec.name          = "cloud_test"
  spec.version       = "0.2.3"
  spec.authors       = ["makandra GmbH"]
  spec.email         = ["info@makandra.de"]

  spec.summary       = %q{Enables cloud testing of your web app with capybara.}
  spec.description   = %q{Enables cloud testing of your web app with capybara (browserstack, lambdatest, saucelabs, {crossbrowsertesting}).}
  spec.homepage      = "https://github.com/makandra/cloud_test"
  spec.license       = "MIT"

  # Prevent pushing this gem to RubyGems.org. To allow pushes either set the 'allowed_push_host'
  # to allow pushing to a single host or delete this section to allow pushing to any host.
  if spec.respond_to?(:metadata)
    spec.metadata["allowed_push_host"] = "https://rubygems.org"

    spec.metadata["homepage_uri"] = spec.homepage
    spec.metadata["source_code_uri"] = "https://github.com/makandra/cloud_test"
  else
    raise "RubyGems 2.0 or newer is required to protect against " \
      "public gem pushes."
  end

  spec.files         = ["README.md", "lib/cloud_test.rb"]
  spec.bindir        = "exe"
  spec.executables   = spec.files.grep(%r{^exe/}) { |f| File.basename(f) }
  spec.require_paths = ["lib"]

  spec.add_development_dependency "bundler", "~> 2.0"
end
