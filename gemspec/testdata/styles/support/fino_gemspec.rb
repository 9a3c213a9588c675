# frozen_string_literal: true

# Loaded by fino_helper_missing.gemspec: a variant of eiskrenkov/fino
# lib/fino/metadata.rb that assigns the whole metadata Hash, and has no
# MFA flag.
module Fino
  module Gemspec
    def self.metadata(spec)
      spec.metadata = {
        "source_code_uri" => spec.homepage,
        "bug_tracker_uri" => "#{spec.homepage}/issues",
        "documentation_uri" => "https://www.rubydoc.info/gems/#{spec.name}"
      }
    end
  end
end
