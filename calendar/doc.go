// Package calendar tells working days from bank holidays, weekends and local
// closure days in the three bank-holiday regions of the United Kingdom:
// England and Wales, Scotland, and Northern Ireland.
//
// The regular holidays and their substitute days come from
// github.com/rickar/cal/v2 and its gb package. That package covers England
// and Wales only and misses some one-off days, so this package builds the
// Scottish and Northern Irish lists from the library's holiday rules and
// adds the missing days itself; each addition is listed, with its date and
// reason, in additions.go. The England and Wales list is tested against the
// official gov.uk list for 2017 to 2026.
//
// # Format
//
// A direction names its calendar with the calendar key, either by region
// alone or with extra closure days (days the council's offices were shut,
// which do not count as working days):
//
//	calendar: england-and-wales
//	calendar: {region: scotland, closures: [2018-12-27, 2018-12-28]}
//
// The region names are those gov.uk uses: england-and-wales, scotland and
// northern-ireland. A direction without the key uses England and Wales,
// because the directions modelled here are made to English councils.
//
// A working day is a Monday to Friday that is neither a bank holiday
// (including substitute days) nor a closure day.
//
// # Limits
//
// One-off holidays are announced by royal proclamation, usually months ahead.
// Days proclaimed after this package was written are not known to it: add
// them as closures until the package is updated. Years before 1995 follow
// today's rules and may differ from what was proclaimed at the time.
//
// # Concurrency
//
// A Calendar is immutable once made and may be used from many goroutines.
package calendar
