// Package capped gathers the problems found reading one history while
// keeping memory bounded: a file of a million bad lines (random bytes, or
// an export with no UTC offsets) gave a million diag.Errors, held until
// the read ended, over a gigabyte for standard input fed from
// /dev/urandom. Only the first Keep are kept; the rest are counted, and
// the count is reported as one more problem at the file, which sorts
// before the file's lines, so that the printed list still says how many
// there were.
package capped
