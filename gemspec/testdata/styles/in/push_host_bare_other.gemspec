# coding: utf-8
# frozen_string_literal: true
# Skipped: allowed_push_host is a bare host other than RubyGems.org, so the
# gem is published to a private server.
# Mimics NCSAAthleticRecruiting/pass_client pass_client.gemspec.
Gem::Specification.new do |spec|
  spec.name          = "pass_client"
  spec.version       = "1.0.0"
  spec.authors       = ["Christian Koch"]
  spec.email         = ["ckoch@ncsasports.org"]

  spec.summary       = "A gem to manage connections to the Partner Athlete Search Service (PASS)"
  spec.description   = "A gem to manage connections to the Partner Athlete Search Service (PASS)"
  spec.homepage      = "https://github.com/NCSAAthleticRecruiting/pass_client"

  # Prevent pushing this gem to RubyGems.org. To allow pushes either set the 'allowed_push_host'
  # to allow pushing to a single host or delete this section to allow pushing to any host.
  if spec.respond_to?(:metadata)
    spec.metadata["allowed_push_host"] = "gems.ncsasports.org"
  else
    raise "RubyGems 2.0 or newer is required to protect against public gem pushes."
  end

  spec.files         = Dir["lib/**/*.rb"]
  spec.bindir        = "exe"
  spec.require_paths = ["lib"]

  spec.add_dependency "faraday"
end
