// Package report renders evaluation results as one self-contained HTML
// page: per direction, a timeline (one row per obligation, one marker per
// instance at its due date, coloured and shaped by status, with the
// direction's start and end and the as-of date as lines), a list of the
// instances beside it, and the findings table.
//
// # Format
//
// The page needs nothing from the network: its CSS is inline and the
// timelines are inline SVG. Each marker carries an SVG <title> with the
// clause, the due date, the discharging event and the days late, which
// browsers show on hover. Print styles lay the page out on A4.
//
// # Concurrency
//
// Build and Render keep no state between calls and may run at once.
package report
