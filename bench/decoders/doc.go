// Package decoders compares JSON decoders on the same JSON Lines history
// file, so that the choice of decoder for event files rests on numbers. It
// is a module of its own so that the candidates not chosen stay out of the
// main module's dependencies. Run:
//
//	cd bench/decoders && go test -bench . -benchtime 5x
package decoders
