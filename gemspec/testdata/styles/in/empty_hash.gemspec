# An empty metadata Hash, as some hand-written gemspecs start.
# Mimics gem-shards/sqlreport sqlreport.gemspec before it added links.
Gem::Specification.new do |spec|
  spec.name          = "sqlreport"
  spec.version       = "0.1.0"
  spec.authors       = ["Gem Shards"]
  spec.summary       = "Generate reports from SQL queries"
  spec.license       = "MIT"
  spec.metadata      = {}
  spec.files         = Dir["lib/**/*"]
  spec.require_paths = ["lib"]
end
