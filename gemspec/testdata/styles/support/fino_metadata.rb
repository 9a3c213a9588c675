# Helper loaded by metadata_helper.gemspec, in the manner of
# eiskrenkov/fino lib/fino/metadata.rb.
module Fino
  module Metadata
    def self.for(spec)
      {
        "homepage_uri" => "https://github.com/eiskrenkov/fino",
        "source_code_uri" => "https://github.com/eiskrenkov/fino/tree/main/#{spec.name}",
        "rubygems_mfa_required" => "true"
      }
    end
  end
end
