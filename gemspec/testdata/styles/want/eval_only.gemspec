# -*- encoding: utf-8 -*-
#
# Skipped: only evaluates the base gemspec and adjusts it; the base file
# is where the flag belongs.
# Mimics rest-client/rest-client rest-client.windows.gemspec.
windows_spec = eval(File.read(File.join(File.dirname(__FILE__), 'required.gemspec')))

windows_spec.platform = Gem::Platform.new(%w{x86 mingw32})
windows_spec.add_runtime_dependency('ffi', '~> 1.9')

windows_spec
