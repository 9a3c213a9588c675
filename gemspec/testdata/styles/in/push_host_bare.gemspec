# coding: utf-8
# allowed_push_host is RubyGems.org written as a bare host, not a URL: the
# gem is judged and edited like any other, with a note on the host.
# Mimics zdavatz/yus yus.gemspec.
Gem::Specification.new do |spec|
  spec.name          = "yus"
  spec.version       = "1.0.6"
  spec.summary     = "ywesee user server"
  spec.description = ". Works with the ywesee webframework and all the ywesee software packages."
  spec.author      = 'Yasuhiro Asaka, Zeno R.R. Davatz, Niklaus Giger'
  spec.email       = 'yasaka@ywesee.com,  zdavatz@ywesee.com, ngiger@ywesee.com'
  spec.platform    = Gem::Platform::RUBY
  spec.license     = "GPLv3"
  spec.homepage  = "https://github.com/zdavatz/yus/"

  spec.metadata['allowed_push_host'] = 'RubyGems.org'

  spec.files         = Dir["lib/**/*.rb"]
  spec.bindir        = "exe"
  spec.require_paths = ["lib"]

  spec.add_dependency "needle"
  spec.add_dependency "pg"
end
