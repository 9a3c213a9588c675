# Style H with CRLF line endings and no newline at the end of the file;
# both are kept.
# Mimics rails/sprockets sprockets.gemspec (no metadata), as saved on Windows.
Gem::Specification.new do |s|
  s.name = "sprockets"
  s.version = "4.2.1"
  s.summary = "Rack-based asset packaging system"
  s.description = "Sprockets is a Rack-based asset packaging system that concatenates and serves JavaScript, CoffeeScript, CSS, Sass, and SCSS."
  s.license = "MIT"

  s.files = Dir["README.md", "lib/**/*.rb", "LICENSE"]
  s.executables = ["sprockets"]

  s.add_dependency "rack", ">= 2.2.4", "< 4"
  s.add_dependency "concurrent-ruby", "~> 1.0"

  s.authors = ["Sam Stephenson", "Joshua Peek"]
  s.email = ["sstephenson@gmail.com", "josh@joshpeek.com"]
  s.homepage = "https://github.com/rails/sprockets"
end