package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// This file holds what every command shares the way gh, kubectl and
// promtool do: --version, help CMD, CMD --help on stdout with exit 0, the
// exit codes in every command's help, "did you mean" for a misspelt flag,
// errors prefixed with the command, and shell completion.

func init() {
	register("version", "print the version of the tool and of its engine", runVersion)
	register("help", "print help for a command: directions help CMD", runHelp)
	register("completion", "print a shell completion script: directions completion bash|zsh|fish", runCompletion)
}

// exitCodes says, per command, what its exit statuses mean.
var exitCodes = map[string]string{
	"check":    "0 no definite breach of a council duty; 1 definite breaches (with --strict, also an indeterminate finding of a duty); 2 bad input or usage",
	"stream":   "0 no definite breach of a council duty; 1 definite breaches; 2 bad input or usage",
	"explain":  "0 explained (whatever the findings); 2 bad input or usage",
	"report":   "0 report written (whatever the findings); 2 bad input or usage",
	"schedule": "0 schedule written (whatever the deadlines' states); 2 bad input or usage",
	"validate": "0 every file is valid; 2 bad input or usage",
	"test":     "0 every scenario passed; 1 a scenario failed; 2 a file is invalid, a scenario could not be evaluated, or bad usage",
}

// exitCodesLine is the line every command's help ends with.
func exitCodesLine(cmd string) string {
	s, ok := exitCodes[cmd]
	if !ok {
		s = "0 success; 2 bad usage"
	} else {
		s += "; 130 stopped by Ctrl-C"
	}
	return "exit status: " + s
}

// version is the tool's version: the module version it was built from
// (or "devel") and the engine version stamped into every JSON output.
func version() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return fmt.Sprintf("directions %s (engine %s)", v, evaluator.Version)
}

func runVersion(_ context.Context, env *cliEnv, args []string) int {
	if len(args) > 0 && !env.help {
		env.errorf("directions version: takes no arguments, got %q", strings.Join(args, " "))
		return exitInvalid
	}
	fmt.Fprintln(env.stdout, version())
	return exitOK
}

func runHelp(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 {
		usage(env.stdout)
		return exitOK
	}
	if _, ok := commands[args[0]]; !ok {
		env.errorf("directions help: unknown command %q%s", args[0], yamlx.Suggest(args[0], commandNames()))
		return exitInvalid
	}
	return helpFor(ctx, env, args[0])
}

// helpFor prints a command's help on stdout and exits 0: the command parses
// --help with its own flag set, whose usage goes to stdout in help mode.
// sub names a subcommand (serve's "token create"), whose own help it is.
func helpFor(ctx context.Context, env *cliEnv, cmd string, sub ...string) int {
	henv := *env
	henv.help, henv.cmd = true, cmd
	switch cmd {
	case "version", "help", "completion":
		fmt.Fprintf(env.stdout, "usage: directions %s\n\n%s.\n%s\n", commandUsage[cmd], commands[cmd].summary, exitCodesLine(cmd))
		return exitOK
	}
	commands[cmd].run(ctx, &henv, append(sub, "--help"))
	return exitOK
}

var commandUsage = map[string]string{
	"version":    "version   (or directions --version)",
	"help":       "help [CMD]",
	"completion": "completion bash|zsh|fish",
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// wantsHelp reports whether args (a command's arguments) ask for help
// before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// flagError words a flag package error for a CLI user, with the command as
// prefix and a suggestion for a misspelt flag.
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var known, own []string
		limits := false
		fs.VisitAll(func(f *flag.Flag) {
			known = append(known, "--"+f.Name)
			if isLimitFlag(f.Name) {
				limits = true
			} else {
				own = append(own, "--"+f.Name)
			}
		})
		hint := yamlx.Suggest("--"+name, known)
		if strings.HasPrefix(hint, "; expected one of: ") {
			// The command's own flags; the limit flags, the same on
			// every command, are summed up rather than listed.
			hint = "; " + flagList(own, limits)
		}
		hint = strings.ReplaceAll(hint, `"`, "")
		msg = "unknown flag --" + name + hint
	}
	// The flag package writes -name; the help and this tool write --name.
	msg = strings.Replace(msg, " for flag -", " for flag --", 1)
	return fmt.Sprintf("directions %s: %s\nRun 'directions %s --help' for usage.", fs.Name(), msg, fs.Name())
}

// flagList words a command's flags for an unknown-flag message: its own
// flags, then the limit flags (the same on every command that reads
// input) summed up rather than listed.
func flagList(own []string, limits bool) string {
	const lim = "the input limits (--max-bytes and others; see --help)"
	switch {
	case len(own) == 0 && limits:
		return "the flags are " + lim
	case len(own) == 0:
		return "the command takes no flags"
	case !limits:
		return "the flags are: " + strings.Join(own, ", ")
	}
	return "the flags are: " + strings.Join(own, ", ") + ", and " + lim
}

// positioned matches a diagnostic that starts with file:line:col. The
// regular expressions here are compiled on first use, not at start-up,
// which every command pays.
var positioned = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^:\s]+:\d+:\d+: `) })

// prefix puts "directions CMD: " before a message that has no position and
// no prefix yet; positioned diagnostics keep file:line:col first, where
// editors look for it.
func (e *cliEnv) prefix(msg string) string {
	if e.cmd == "" || strings.HasPrefix(msg, "directions") || positioned().MatchString(msg) {
		return msg
	}
	return "directions " + e.cmd + ": " + msg
}

// formatError is the error for an unknown --format, listing every format
// the command accepts.
func formatError(cmd, got string, accepted ...string) string {
	list := strings.Join(accepted, ", ")
	if n := len(accepted); n > 1 {
		list = strings.Join(accepted[:n-1], ", ") + " or " + accepted[n-1]
	}
	return fmt.Sprintf("directions %s: --format must be %s, not %q", cmd, list, got)
}

// collectFlags runs every command in help mode with its output discarded
// and returns each command's flag set, for completion.
func collectFlags(ctx context.Context) map[string]*flag.FlagSet {
	out := map[string]*flag.FlagSet{}
	for _, name := range commandNames() {
		switch name {
		case "version", "help", "completion":
			continue
		}
		env := &cliEnv{stdout: io.Discard, stderr: io.Discard, help: true, cmd: name}
		commands[name].run(ctx, env, []string{"--help"})
		if env.flags != nil {
			out[name] = env.flags
		}
	}
	return out
}

// formatValuesRE finds "--format a|b|c" in a usage line.
var formatValuesRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`--format ([a-z|-]+)`) })

type completionCmd struct {
	name, summary string
	flags         []string // "--name"
	boolFlags     []string
	formats       []string
}

func completionData(ctx context.Context) []completionCmd {
	sets := collectFlags(ctx)
	var out []completionCmd
	for _, name := range commandNames() {
		c := completionCmd{name: name, summary: commands[name].summary}
		if fs := sets[name]; fs != nil {
			fs.VisitAll(func(f *flag.Flag) {
				c.flags = append(c.flags, "--"+f.Name)
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
					c.boolFlags = append(c.boolFlags, "--"+f.Name)
				}
			})
			c.flags = append(c.flags, "--help")
			if m := formatValuesRE().FindStringSubmatch(usageLines[name]); m != nil {
				c.formats = strings.Split(m[1], "|")
			}
		}
		if name == "completion" {
			c.formats = nil
		}
		out = append(out, c)
	}
	return out
}

// usageLines remembers each command's usage line, for completion.
var usageLines = map[string]string{}

func runCompletion(ctx context.Context, env *cliEnv, args []string) int {
	shells := []string{"bash", "zsh", "fish"}
	if len(args) != 1 || !slices.Contains(shells, args[0]) {
		env.errorf("directions completion: name one shell: bash, zsh or fish\n  bash: source <(directions completion bash)\n  zsh:  directions completion zsh > \"${fpath[1]}/_directions\"\n  fish: directions completion fish > ~/.config/fish/completions/directions.fish")
		return exitInvalid
	}
	cmds := completionData(ctx)
	var err error
	switch args[0] {
	case "bash":
		err = writeBash(env.stdout, cmds)
	case "zsh":
		err = writeZsh(env.stdout, cmds)
	case "fish":
		err = writeFish(env.stdout, cmds)
	}
	if err != nil {
		env.errorf("directions completion: %v", err)
		return exitInvalid
	}
	return exitOK
}

func names(cmds []completionCmd) string {
	var n []string
	for _, c := range cmds {
		n = append(n, c.name)
	}
	return strings.Join(n, " ")
}

func writeBash(w io.Writer, cmds []completionCmd) error {
	var b strings.Builder
	b.WriteString("# bash completion for directions: source <(directions completion bash)\n")
	b.WriteString("_directions() {\n\tlocal cur prev cmd\n\tcur=\"${COMP_WORDS[COMP_CWORD]}\"\n\tprev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n\tcmd=\"${COMP_WORDS[1]}\"\n")
	fmt.Fprintf(&b, "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", names(cmds)+" --version --help")
	b.WriteString("\tcase \"$cmd\" in\n")
	for _, c := range cmds {
		switch c.name {
		case "help":
			fmt.Fprintf(&b, "\thelp) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", names(cmds))
			continue
		case "completion":
			b.WriteString("\tcompletion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return;;\n")
			continue
		case "version":
			continue
		}
		fmt.Fprintf(&b, "\t%s)\n", c.name)
		if len(c.formats) > 0 {
			fmt.Fprintf(&b, "\t\tif [ \"$prev\" = --format ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(c.formats, " "))
		}
		fmt.Fprintf(&b, "\t\tif [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(c.flags, " "))
		b.WriteString("\t\t;;\n")
	}
	b.WriteString("\tesac\n\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -o filenames -o bashdefault -F _directions directions\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func zshQuote(s string) string {
	s = strings.ReplaceAll(s, "'", "'\\''")
	s = strings.ReplaceAll(s, ":", "\\:")
	return s
}

func writeZsh(w io.Writer, cmds []completionCmd) error {
	var b strings.Builder
	b.WriteString("#compdef directions\n# zsh completion for directions: directions completion zsh > \"${fpath[1]}/_directions\"\n")
	b.WriteString("_directions() {\n\tlocal -a commands\n\tcommands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "\t\t'%s:%s'\n", c.name, zshQuote(c.summary))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe 'command' commands\n\t\treturn\n\tfi\n\tcase \"$words[2]\" in\n")
	for _, c := range cmds {
		switch c.name {
		case "help":
			b.WriteString("\thelp) _describe 'command' commands;;\n")
			continue
		case "completion":
			b.WriteString("\tcompletion) _values 'shell' bash zsh fish;;\n")
			continue
		case "version":
			continue
		}
		fmt.Fprintf(&b, "\t%s) _arguments", c.name)
		for _, f := range c.flags {
			switch {
			case f == "--format" && len(c.formats) > 0:
				fmt.Fprintf(&b, " '--format[output format]:format:(%s)'", strings.Join(c.formats, " "))
			case slices.Contains(c.boolFlags, f) || f == "--help":
				fmt.Fprintf(&b, " '%s'", f)
			default:
				fmt.Fprintf(&b, " '%s:value:'", f)
			}
		}
		b.WriteString(" '*:file:_files';;\n")
	}
	b.WriteString("\tesac\n}\ncompdef _directions directions\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFish(w io.Writer, cmds []completionCmd) error {
	var b strings.Builder
	b.WriteString("# fish completion for directions: directions completion fish > ~/.config/fish/completions/directions.fish\n")
	fmt.Fprintf(&b, "complete -c directions -n '__fish_use_subcommand' -l version -d 'print the version'\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c directions -f -n '__fish_use_subcommand' -a %s -d '%s'\n", c.name, strings.ReplaceAll(c.summary, "'", "\\'"))
	}
	for _, c := range cmds {
		cond := fmt.Sprintf("__fish_seen_subcommand_from %s", c.name)
		switch c.name {
		case "help":
			fmt.Fprintf(&b, "complete -c directions -f -n '%s' -a '%s'\n", cond, names(cmds))
			continue
		case "completion":
			fmt.Fprintf(&b, "complete -c directions -f -n '%s' -a 'bash zsh fish'\n", cond)
			continue
		}
		for _, f := range c.flags {
			name := strings.TrimPrefix(f, "--")
			switch {
			case name == "format" && len(c.formats) > 0:
				fmt.Fprintf(&b, "complete -c directions -n '%s' -l format -x -a '%s'\n", cond, strings.Join(c.formats, " "))
			case slices.Contains(c.boolFlags, f) || name == "help":
				fmt.Fprintf(&b, "complete -c directions -n '%s' -l %s\n", cond, name)
			default:
				fmt.Fprintf(&b, "complete -c directions -n '%s' -l %s -r\n", cond, name)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printFlags lists a command's flags as --name, the way gh and kubectl
// show them (the flag package accepts one dash or two).
func printFlags(w io.Writer, fs *flag.FlagSet) {
	var limits []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if isLimitFlag(f.Name) {
			limits = append(limits, f)
			return
		}
		printFlag(w, f)
	})
	fmt.Fprintf(w, "  --help\n      print this help on standard output and exit 0\n")
	if len(limits) > 0 {
		fmt.Fprintf(w, "\ninput limits (the same on every command that reads files):\n")
		for _, f := range limits {
			printFlag(w, f)
		}
	}
}

func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if name != "" {
		line += " " + name
	}
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		usage += fmt.Sprintf(" (default %q)", f.DefValue)
	}
	fmt.Fprintf(w, "%s\n      %s\n", line, usage)
}
