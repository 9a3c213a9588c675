# frozen_string_literal: true

# Prints, as one JSON document, what Bundler's own LockfileParser reads from
# each lockfile named on the command line: every spec with its source, the
# DEPENDENCIES names, PLATFORMS, RUBY VERSION and BUNDLED WITH. With --crlf,
# each file is also parsed after converting its line endings to CRLF.
#
# Used by the differential test in lockfile/bundler_test.go.

require "json"
require "tmpdir"

crlf = ARGV.delete("--crlf")
paths = ARGV.map {|p| [p, File.expand_path(p)] }

# Bundler.root needs a Gemfile; the parser does not read it.
dir = Dir.mktmpdir("mfaudit-bundler-dump")
File.write(File.join(dir, "Gemfile"), "")
ENV["BUNDLE_GEMFILE"] = File.join(dir, "Gemfile")
Dir.chdir(dir)

# The expectations in bundler_test.go are those of Debian's Bundler 2.3.
gem "bundler", "~> 2.3.0"
require "bundler"

def source_of(src)
  case src
  when Bundler::Source::Rubygems
    { "type" => "rubygems", "remotes" => src.remotes.map(&:to_s) }
  when Bundler::Source::Git
    { "type" => "git", "remotes" => [src.uri.to_s], "revision" => src.options["revision"].to_s,
      "ref" => src.options["ref"].to_s, "branch" => src.options["branch"].to_s, "tag" => src.options["tag"].to_s }
  when Bundler::Source::Path
    { "type" => "path", "remotes" => [src.path.to_s] }
  when nil
    nil
  else
    { "type" => src.class.name, "remotes" => [] }
  end
end

def dump(contents)
  parser = Bundler::LockfileParser.new(contents)
  {
    "specs" => parser.specs.map do |s|
      { "name" => s.name, "version" => s.version.to_s, "platform" => s.platform.to_s,
        "source" => source_of(s.source),
        "dependencies" => s.dependencies.map(&:name) }
    end,
    "dependencies" => parser.dependencies.values.map do |d|
      { "name" => d.name, "requirements" => d.requirement.as_list, "source" => d.source ? source_of(d.source)["type"] : "" }
    end,
    "platforms" => parser.platforms.map(&:to_s),
    "ruby_version" => parser.ruby_version.to_s,
    "bundled_with" => parser.bundler_version.to_s,
  }
rescue StandardError, ScriptError => e
  { "error" => "#{e.class}: #{e.message}" }
end

out = { "bundler" => Bundler::VERSION, "rubygems" => Gem::VERSION, "files" => {} }
paths.each do |path, full|
  contents = File.open(full, "r:UTF-8", &:read)
  entry = { "lf" => dump(contents) }
  entry["crlf"] = dump(contents.gsub("\n", "\r\n")) if crlf
  out["files"][path] = entry
end
puts JSON.generate(out)
