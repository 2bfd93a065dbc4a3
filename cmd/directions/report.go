package main

import (
	"context"
	"runtime"
	"strings"

	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/report"
)

func init() {
	register("report", "write a self-contained HTML page with a timeline per direction and the findings", runReport)
}

func runReport(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "report", "report [--format html] [--as-of DATE] PATH... > report.html")
	asOf := fs.String("as-of", "", "evaluate as of this date (the end of that day) or RFC 3339 time; default today")
	format := fs.String("format", "html", "output format: html (the only one)")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	if *format != "html" {
		env.errorf("%s", formatError("report", *format, "html"))
		return exitInvalid
	}
	tree, err := workspace.SplitTree(paths, env.yamlLimits())
	if err != nil {
		env.errorf("directions report: %v", err)
		return exitInvalid
	}
	if len(tree.Councils) == 0 {
		env.errorf("directions report: no direction file among %s (a direction is a YAML mapping with an obligations key)", strings.Join(paths, ", "))
		return exitInvalid
	}
	if len(tree.Orphans) > 0 {
		env.errorf("directions report: %d file(s) lie in no council folder (a folder holding a direction file):\n  %s", len(tree.Orphans), strings.Join(tree.Orphans, "\n  "))
		return exitInvalid
	}
	defer useStdinSpool(ctx, env, paths)()
	prog := newProgress(env.stderr, *env.quiet)
	results := checkCouncils(ctx, tree.Councils, *asOf, env.opts, runtime.GOMAXPROCS(0), prog)
	prog.done()
	if ctx.Err() != nil {
		return exitInterrupted // run says so; no report of a partial check
	}
	for _, r := range results {
		if r.Err != nil {
			env.errorf("%v", r.Err)
			return exitInvalid
		}
	}
	if err := report.WriteHTML(env.stdout, reportCouncils(results)); err != nil {
		env.errorf("directions report: %v", err)
		return exitInvalid
	}
	return exitOK
}
