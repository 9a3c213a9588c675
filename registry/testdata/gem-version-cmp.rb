vs = %w[1.0.0.rc1 1.0.0 1.0.0.1 1.10 1.9 1.2 0.9.9 1.0 1.0.a 1.0.b 1.0.a.1 1.0.a.2 1.0.alpha 1.0.beta 1.0.rc 1.0.pre 2.0.0.beta1 2.0.0.beta2 2.0.0.beta10 5.a 5.0.0.rc2 1.0-beta 1.0.B 9 10 1.0.0.0.1 0.0.1 0.1 1 1.0.a.0 01.2 1.0-1 1.a.0.b 1.a.b 1.0.0.a.0.1 1.a1 1.0a 1.0.0a1 1.0.0.a.1]
vs.each{|a| vs.each{|b| puts "#{a} #{b} #{Gem::Version.new(a) <=> Gem::Version.new(b)}" }}
