# Positional constructor and the block variable `gem`.
# Mimics bkeepers/dotenv dotenv.gemspec.
module Dotenv
  VERSION = "3.1.8".freeze
end

Gem::Specification.new "dotenv", Dotenv::VERSION do |gem|
  gem.authors = ["Brandon Keepers"]
  gem.email = ["brandon@opensoul.org"]
  gem.description = gem.summary = "Loads environment variables from `.env`."
  gem.homepage = "https://github.com/bkeepers/dotenv"
  gem.license = "MIT"
  gem.files = Dir["lib/**/*.rb", "bin/*", "[A-Z]*"] - Dir["lib/dotenv/rails*"]
  gem.executables = gem.files.grep(%r{^bin/}).map { |f| File.basename(f) }

  gem.metadata = {
    "changelog_uri" => "https://github.com/bkeepers/dotenv/releases",
    "funding_uri" => "https://github.com/sponsors/bkeepers"
  }

  gem.required_ruby_version = ">= 3.0"
end
