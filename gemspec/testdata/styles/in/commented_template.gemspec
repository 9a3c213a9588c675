# frozen_string_literal: true

# Style K: the commented-out line of the `bundle gem` template (RubyGems
# PR #9487); it is uncommented, keeping its indentation.
# Mimics cptangry/wahy wahy.gemspec.
Gem::Specification.new do |spec|
  spec.name = "wahy"
  spec.version = "0.1.0"
  spec.authors = ["cptangry"]
  spec.email = ["cptangry@example.com"]

  spec.summary = "Turkish programming language on Ruby."
  spec.homepage = "https://github.com/cptangry/wahy"
  spec.license = "MIT"
  spec.required_ruby_version = ">= 3.2.0"

  spec.metadata["allowed_push_host"] = "https://rubygems.org"
  spec.metadata["homepage_uri"] = spec.homepage
  spec.metadata["source_code_uri"] = "https://github.com/cptangry/wahy"
  # Uncomment the line below to require MFA for gem pushes
  # spec.metadata["rubygems_mfa_required"] = "true"

  # Specify which files should be added to the gem when it is released.
  # The `git ls-files -z` loads the files in the RubyGems that have been added into git.
  gemspec = File.basename(__FILE__)
  spec.files = IO.popen(%w[git ls-files -z], chdir: __dir__, err: IO::NULL) do |ls|
    ls.readlines("\x0", chomp: true).reject do |f|
      (f == gemspec) ||
        f.start_with?(*%w[bin/ test/ spec/ features/ .git .github appveyor Gemfile])
    end
  end
  spec.bindir = "exe"
  spec.executables = spec.files.grep(%r{\Aexe/}) { |f| File.basename(f) }
  spec.require_paths = ["lib"]
end
