// Package synth makes synthetic council histories and directions from the
// examples' vocabulary (board meetings, progress reports, requests and
// responses, reviews) mixed with case-level noise (visits, assessments),
// with late and missed duties planted. The benchmarks, the randomised
// tests and cmd/gendata use it; the same seed always gives the same data.
package synth
