package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/scenario"
)

func init() {
	register("test", "run scenario files: what-if tests with expected findings", runTest)
}

// runTest runs every scenario file among the paths. A directory is searched
// for scenario files (YAML mappings with a scenarios key); direction and
// history files in it are skipped, as the scenarios name their own.
func runTest(_ context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "test", "test [--coverage] [--junit FILE] PATH...")
	cover := fs.Bool("coverage", false, "report which clauses, outcomes and deadline boundaries the scenarios exercise")
	junit := fs.String("junit", "", "also write the results as JUnit XML to `FILE`; - writes it to standard output and the console report to standard error")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	xmlOut := env.stdout
	if *junit == "-" {
		console := *env
		console.stdout = env.stderr
		env = &console
	}
	files, dirFiles, err := scenarioFiles(paths, env.yamlLimits())
	if err != nil {
		env.errorf("directions test: %v", err)
		return exitInvalid
	}
	if len(files) == 0 {
		env.errorf("directions test: no scenario files in %s (a scenario file is a YAML mapping with a scenarios key)", strings.Join(paths, ", "))
		return exitInvalid
	}
	var (
		loader   = scenario.Loader{Limits: env.opts.Limits, Cost: env.opts.Cost}
		outcomes []*scenario.Outcome
	)
	for _, name := range files {
		f, err := loader.Load(name)
		if err != nil {
			o := scenario.NotLoaded(name, err)
			outcomes = append(outcomes, o)
			_ = scenario.WriteOutcome(env.stdout, o)
			env.errorf("%v", err)
			continue
		}
		for _, s := range f.Scenarios {
			o := s.Run()
			outcomes = append(outcomes, o)
			_ = scenario.WriteOutcome(env.stdout, o)
		}
	}
	_ = scenario.WriteSummary(env.stdout, outcomes, len(files))
	invalid, failed := 0, 0
	for _, o := range outcomes {
		switch {
		case o.Err != nil: // a file that did not load, or an evaluation error
			invalid++
		case len(o.Failures) > 0:
			failed++
		}
	}
	if *cover {
		// Directions in the folders tested count too, so that one no
		// scenario names shows with every clause unexercised.
		var also []*direction.Direction
		for _, name := range dirFiles {
			d, err := direction.Load(name, env.opts)
			if err != nil {
				invalid++
				env.errorf("%v", err)
				continue
			}
			also = append(also, d)
		}
		fmt.Fprintln(env.stdout)
		if err := scenario.NewCoverage(outcomes, also...).WriteText(env.stdout); err != nil {
			env.errorf("directions test: %v", err)
			return exitInvalid
		}
	}
	if *junit == "-" {
		if err := scenario.WriteJUnit(xmlOut, outcomes); err != nil {
			env.errorf("directions test: --junit: %v", err)
			return exitInvalid
		}
	} else if *junit != "" {
		if err := writeJUnitFile(*junit, outcomes); err != nil {
			env.errorf("directions test: --junit: %v", err)
			return exitInvalid
		}
	}
	switch {
	case invalid > 0:
		return exitInvalid
	case failed > 0:
		return exitBreaches
	}
	return exitOK
}

// scenarioFiles expands paths and keeps the scenario files, and apart the
// direction files found in directories. A file named explicitly must be a
// scenario file.
func scenarioFiles(paths []string, lim yamlx.Limits) (scenarios, directions []string, err error) {
	for _, p := range paths {
		names, err := workspace.Expand([]string{p})
		if err != nil {
			return nil, nil, err
		}
		explicit := len(names) == 1 && names[0] == p
		for _, n := range names {
			kind, _, err := workspace.Probe(n, lim)
			if err != nil {
				return nil, nil, err
			}
			kind = workspace.Under(p, n, kind)
			switch {
			case kind == workspace.Scenario:
				scenarios = append(scenarios, n)
			case explicit:
				return nil, nil, fmt.Errorf("%s is not a scenario file (a YAML mapping with a scenarios key)", n)
			case kind == workspace.Direction:
				directions = append(directions, n)
			}
		}
	}
	return scenarios, directions, nil
}

func writeJUnitFile(name string, outcomes []*scenario.Outcome) error {
	// Write-only, unlike os.Create: a named pipe then waits for its reader,
	// as the shell's > does, rather than taking the report into its buffer
	// and dropping it when no one has read it by the time we close.
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	if err := scenario.WriteJUnit(f, outcomes); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
