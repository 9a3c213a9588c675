package report

import (
	"net/url"
	"regexp"
)

// redactURL removes the user:password part of a URL, which Bundler lockfiles
// carry for private gem servers; a string that is not a URL with userinfo
// is returned unchanged.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return redactText(s)
	}
	u.User = url.User("REDACTED")
	return u.String()
}

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@`)

// redactText removes URL userinfo anywhere in s, such as in an error message.
func redactText(s string) string {
	return userinfoRE.ReplaceAllString(s, "${1}REDACTED@")
}
