# frozen_string_literal: true

# Loaded by fino_helper_computed.gemspec: a variant of eiskrenkov/fino
# lib/fino/metadata.rb that sets the MFA flag only in a release
# environment, which mfaudit cannot decide.
module Fino
  module Release
    def self.metadata(spec)
      spec.metadata["source_code_uri"] = spec.homepage
      spec.metadata["rubygems_mfa_required"] = "true" if ENV["FINO_RELEASE"]
    end
  end
end
