// Package hooks lets the module's loaders call functions that public
// packages keep unexported, so that plumbing (YAML nodes, compiled CEL
// programs, CEL bindings) stays out of the public API.
//
// Each hook is set by an init function of the package that owns it and
// holds a function of the type written beside it; a caller asserts that
// type. Hooks are set before any caller can run (a caller imports the
// owner), and never change afterwards.
package hooks
