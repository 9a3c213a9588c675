# frozen_string_literal: true

# eiskrenkov/fino lib/fino/metadata.rb, as fino-solid.gemspec and its
# sibling gemspecs load it: the helper sets the MFA flag for every gem of
# the repository.
require_relative "version"

module Fino
  module_function

  def metadata(spec)
    spec.metadata["source_code_uri"]       = spec.homepage
    spec.metadata["bug_tracker_uri"]       = "#{spec.homepage}/issues"
    spec.metadata["documentation_uri"]     = "https://www.rubydoc.info/gems/fino"
    spec.metadata["rubygems_mfa_required"] = "true"
  end
end
