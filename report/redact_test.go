package report

import "testing"

func TestRedactText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no URL", "connection refused", "connection refused"},
		{"URL without credentials", `Get "https://rubygems.org/api/v1/versions/rack.json": EOF`, `Get "https://rubygems.org/api/v1/versions/rack.json": EOF`},
		{"quoted URL with password", `Get "https://u:pw@mirror.example/api": timeout`, `Get "https://REDACTED@mirror.example/api": timeout`},
		{"bare token", "GET https://TOKEN@gems.example.com/x failed", "GET https://REDACTED@gems.example.com/x failed"},
		{"two URLs", "a http://x:y@h1/ b https://z@h2/p", "a http://REDACTED@h1/ b https://REDACTED@h2/p"},
		{"at sign in the path only", "https://h/p@q", "https://h/p@q"},
		{"scheme glued to text", "url=https://a:b@h/", "url=https://REDACTED@h/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactText(tt.in); got != tt.want {
				t.Errorf("redactText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
