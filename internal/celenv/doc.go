// Package celenv is the CEL environment the direction files' expressions are
// compiled in: the variables (event, trigger, instance, direction, params),
// the civil-date functions statutory deadlines need, compilation with errors
// mapped back into YAML file coordinates, and the CEL value that presents an
// event without copying it into a map.
//
// Compile also bounds each expression's cost (estimated at load, metered at
// evaluation where it can exceed one pass over its inputs; see CostLimits),
// and Program.CheckAttributes and CheckFields report misspelt event
// attributes (against an event.Vocabulary) and params, direction and
// instance fields at the misspelt name.
//
// # Start-up
//
// Every Env extends one base environment with its own date functions, and
// a text is parsed, type-checked and its cost estimated once a process,
// whichever Env compiles it (a direction repeats texts, and a folder or a
// tree repeats directions); each Env still folds constants and builds its
// program with its own zone and calendar.
//
// # Concurrency
//
// An Env and the programs it compiles are immutable and safe for concurrent
// use.
package celenv
