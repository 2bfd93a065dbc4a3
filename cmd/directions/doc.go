// Command directions checks councils' event histories against the
// statutory directions issued to them.
//
// Usage:
//
//	directions check [--as-of DATE] [--format text|json|csv|csv-summary] PATH...   (a tree of council folders: docs/batch.md)
//	directions explain --obligation ID [--as-of DATE] [--format text|json] [--max-tested N] PATH...   (docs/explain.md)
//	directions report [--format html] [--as-of DATE] PATH... > report.html   (docs/report.md)
//	directions schedule [--from DATE] [--until DATE] [--as-of DATE] [--format text|json|ics] PATH...   (docs/schedule.md)
//	directions stream [--as-of DATE] [--window N] PATH...   (docs/streaming.md)
//	directions validate PATH...
//	directions test [--coverage] [--junit FILE|-] PATH...   (scenario files; see docs/scenarios.md)
//	directions help [CMD] | CMD --help | --version | completion bash|zsh|fish
//
// PATH is a direction or history file, or a directory read recursively; a
// tree of council folders is read council by council. Every command's help
// lists its exit codes: in general 0 no breach of a council duty (other
// parties' expectations not met are shown and counted apart, never
// breaches), 1 breaches found (or a scenario failed), 2 invalid input or
// usage.
//
// The command parses flags, finds and loads the files and calls the
// library: every output it writes comes from a public package (report,
// schedule, explain, scenario), so a program embedding the library can
// write the same bytes.
package main
