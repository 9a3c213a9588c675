# frozen_string_literal: true

# Style O: index lines followed by a whole-Hash assignment that replaces
# them; the key must go into that last Hash.
# Mimics jubishop/rakegem rakegem.gemspec.
Gem::Specification.new do |spec|
  spec.name = 'rakegem'
  spec.version = '0.5.1'
  spec.authors = ['Justin Bishop']
  spec.email = ['jubishop@gmail.com']

  spec.summary = 'Rake tasks to build and release gems'
  spec.homepage = 'https://github.com/jubishop/rakegem'
  spec.license = 'MIT'
  spec.required_ruby_version = Gem::Requirement.new('>= 3.0')
  spec.metadata['source_code_uri'] = 'https://github.com/jubishop/rakegem'
  spec.metadata = { 'steep_types' => 'sig' }
  spec.files = Dir['lib/**/*.rb']
  spec.require_paths = ['lib']
  spec.add_dependency 'rake'
end
