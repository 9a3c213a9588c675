//go:build !unix

package campaign

// lockFile does nothing where advisory locks are not available.
func lockFile(string) (func(), error) { return func() {}, nil }
