# Tabs for indentation, sorted keys; both are kept.
# Mimics AlexWayfer/gorilla_patch gorilla_patch.gemspec.

Gem::Specification.new do |s|
	s.name        = 'gorilla_patch'
	s.version     = '5.1.0'
	s.summary     = 'Refining core classes'
	s.description = 'Refine Ruby Core classes with methods like Active Support.'
	s.authors     = ['Alexander Popov']
	s.email       = 'alex.wayfer@gmail.com'
	s.license     = 'MIT'

	source_code_uri = 'https://github.com/AlexWayfer/gorilla_patch'

	s.homepage = source_code_uri

	s.metadata = {
		'bug_tracker_uri' => "#{source_code_uri}/issues",
		'changelog_uri' => "#{source_code_uri}/blob/v#{s.version}/CHANGELOG.md",
		'documentation_uri' => "http://www.rubydoc.info/gems/#{s.name}/#{s.version}",
		'homepage_uri' => s.homepage,
		'source_code_uri' => source_code_uri,
		'wiki_uri' => "#{source_code_uri}/wiki"
	}

	s.files = Dir['lib/**/*.rb', 'README.md', 'LICENSE.txt', 'CHANGELOG.md']

	s.required_ruby_version = '>= 3.1', '< 4'
end
