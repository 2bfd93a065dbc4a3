// Package apicheck holds a test that keeps the module's public API closed
// under itself: every exported signature of a public package uses only
// exported types of this module or the standard library; that no public
// package exports a variable (but sentinel errors); and that every
// documented output format has a public writer (package report, schedule,
// explain, scenario) taking an io.Writer, so that a program embedding the
// library can write what the CLI writes. It has no code.
package apicheck
