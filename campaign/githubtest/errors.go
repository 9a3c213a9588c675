package githubtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// docsURL is the documentation_url GitHub sends with most errors.
const docsURL = "https://docs.github.com/rest"

// call is one request being handled.
type call struct {
	r    *http.Request
	body []byte
}

// query returns the request's query parameters.
func (c *call) query() url.Values { return c.r.URL.Query() }

// apiError is GitHub's error body.
type apiError struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
}

// fieldError is one entry of apiError.Errors.
type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

// errorReply answers status with message.
func errorReply(status int, message string) reply {
	return reply{status: status, body: apiError{Message: message, DocumentationURL: docsURL}}
}

// notFound is GitHub's 404.
func notFound() reply { return errorReply(http.StatusNotFound, "Not Found") }

// unprocessable is a 422 with message and no field errors.
func unprocessable(format string, args ...any) reply {
	return errorReply(http.StatusUnprocessableEntity, fmt.Sprintf(format, args...))
}

// validationFailed is GitHub's 422 "Validation Failed" with field errors.
func validationFailed(errs ...fieldError) reply {
	return reply{status: http.StatusUnprocessableEntity, body: apiError{Message: "Validation Failed", Errors: errs, DocumentationURL: docsURL}}
}

// decode parses the request body into v. An empty body is an empty object.
// On failure it returns the reply GitHub would send.
func (c *call) decode(v any) (reply, bool) {
	data := c.body
	if len(strings.TrimSpace(string(data))) == 0 {
		data = []byte("{}")
	}
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return reply{}, true
	case errors.As(err, &typeErr):
		return unprocessable("Invalid request.\n\nFor '%s', wrong type: %v.", typeErr.Field, fmt.Errorf("decode body: %w", err)), false
	default:
		return errorReply(http.StatusBadRequest, "Problems parsing JSON"), false
	}
}

// lower folds s to lower case for case-insensitive names.
func lower(s string) string { return strings.ToLower(s) }

// equalFold reports whether a and b are equal ignoring case.
func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// errMissingIdentity reports a commit signature without name or email.
var errMissingIdentity = errors.New(`"name" and "email" are required`)
