// Package civil implements calendar dates without a time of day or a time
// zone, and the month arithmetic that statutory deadlines need.
//
// time.AddDate normalises overflow, so 31 January plus one month becomes
// 2 or 3 March. Statutory periods do not work like that: "within one month of
// 31 January" ends on the last day of February. Date.AddMonths clamps to the
// month's last day instead, and a series of dates is always computed from its
// anchor, never by stepping from the previous date, so clamping never drifts.
package civil
