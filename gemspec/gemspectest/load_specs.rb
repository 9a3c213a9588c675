# Loads each gemspec named on the command line with RubyGems'
# Gem::Specification.load and prints one JSON object per file: whether it
# loaded, and every specification created while it was evaluated (a file
# may define several), with each metadata key and value and their classes.
# Used by the oracle tests (package gemspectest).
require "json"
require "rubygems"

$created = []
Gem::Specification.prepend(Module.new do
  def initialize(*args, &block)
    super
    $created << self
  end
end)

ARGV.each do |path|
  $created = []
  full = File.expand_path(path)
  spec = nil
  Dir.chdir(File.dirname(full)) do
    spec = Gem::Specification.load(full)
  end
  specs = $created.map do |s|
    {
      "name" => s.name.to_s,
      "metadata" => s.metadata.map { |k, v| [k.to_s, k.class.name, v.to_s, v.class.name] },
    }
  end
  puts JSON.generate({ "path" => path, "loaded" => !spec.nil?, "specs" => specs })
end
