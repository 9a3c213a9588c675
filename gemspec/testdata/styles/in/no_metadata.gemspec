# Style H: no metadata at all; one index line goes after the last plain
# attribute before the dependencies.
# Mimics mikel/mail mail.gemspec.
Gem::Specification.new do |s|
  s.name        = "mail"
  s.version     = "2.8.1"
  s.author      = "Mikel Lindsaar"
  s.email       = "raasdnil@gmail.com"
  s.homepage    = "https://github.com/mikel/mail"
  s.description = "A really Ruby Mail handler."
  s.summary     = "Mail provides a nice Ruby DSL for making, sending and reading emails."
  s.license     = "MIT"

  s.required_ruby_version = ">= 2.5"

  s.add_dependency('mini_mime', '>= 0.1.1')
  s.add_dependency('net-smtp')
  s.add_dependency('net-imap')
  s.add_dependency('net-pop')

  s.add_development_dependency('bundler', '>= 1.0.3')
  s.add_development_dependency('rake', '> 0.8.7')

  s.files = Dir.glob(%w[README.md MIT-LICENSE lib/**/*])
  s.require_paths = %w[lib]
end
