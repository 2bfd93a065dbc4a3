// Package apicheck holds a test that keeps the module's public API closed
// under itself: every exported signature of a public package uses only
// exported types of this module or the standard library. It has no code.
package apicheck
