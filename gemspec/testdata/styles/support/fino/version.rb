# frozen_string_literal: true

# Loaded by fino_helper_required.gemspec, as eiskrenkov/fino
# lib/fino/version.rb is.
module Fino
  VERSION = "1.6.0"
  REQUIRED_RUBY_VERSION = ">= 3.0.0"
end
