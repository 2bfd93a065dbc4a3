// Command directions checks councils' event histories against the
// statutory directions issued to them.
//
// Usage:
//
//	directions check [--as-of DATE] [--format text|json|csv] PATH...   (a tree of council folders: docs/batch.md)
//	directions explain --obligation ID [--as-of DATE] [--format text|json] PATH...   (docs/explain.md)
//	directions report [--format html] [--as-of DATE] PATH... > report.html   (docs/report.md)
//	directions validate PATH...
//	directions test [--coverage] [--junit FILE] PATH...   (scenario files; see docs/scenarios.md)
//
// PATH is a direction or history file, or a directory read recursively.
// Exit status: 0 no breach of a council duty (other parties' expectations
// not met are shown and counted apart, never breaches), 1 breaches found,
// 2 invalid input or usage.
package main
