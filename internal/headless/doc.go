// Package headless runs Debian's Chromium (or Chrome) headless for the
// browser tests of the HTML report and the server's dashboard: one way to
// find the browser, one set of flags, one rule for when to retry.
package headless
