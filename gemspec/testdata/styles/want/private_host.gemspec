# frozen_string_literal: true

# Skipped: allowed_push_host keeps the gem off RubyGems.org.
# Mimics mperham/sidekiq examples/webui-ext/sidekiq-redis_info.gemspec.
Gem::Specification.new do |spec|
  spec.name = "sidekiq-redis_info"
  spec.version = "0.1.0"
  spec.authors = ["Mike Perham"]
  spec.email = ["mperham@gmail.com"]

  spec.summary = "Sidekiq Web UI extension to show Redis info"
  spec.license = "MIT"
  spec.required_ruby_version = ">= 3.2.0"

  spec.metadata["allowed_push_host"] = "NONE"

  spec.files = Dir["lib/**/*.rb", "web/**/*"]
  spec.require_paths = ["lib"]
end
