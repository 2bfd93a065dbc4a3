package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/server"
)

func init() {
	register("serve", "run the compliance service over HTTP (see docs/serve.md); 'serve token' manages tokens", runServe)
}

// defaultDB is the SQLite file used when neither --db nor DIRECTIONS_DB
// names a store.
const defaultDB = "directions-serve.db"

func dbFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	def := os.Getenv("DIRECTIONS_DB")
	if def == "" {
		def = defaultDB
	}
	return fs.String("db", def, "the store: an SQLite file, or a postgres:// URL; $DIRECTIONS_DB, when set, is the default")
}

func runServe(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) > 0 && args[0] == "token" {
		return runToken(ctx, env, args[1:])
	}
	fs := newFlags(env, "serve", "serve [--addr HOST:PORT] [--db FILE|URL] [--import=false] DIR")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	db := dbFlag(fs)
	imp := fs.Bool("import", true, "ingest the history files in the council folders at start (idempotent by event id)")
	// A size, parsed as the --max-bytes limit flags are.
	maxBody := &limitValue{n: 16 << 20, bytes: true}
	fs.Var(maxBody, "max-body", "refuse an ingest request body over `SIZE`: bytes, or a number with KiB, MiB or GiB")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	if len(paths) != 1 {
		env.errorf("directions serve: give one DIR (a folder of council folders), not %d paths", len(paths))
		return exitInvalid
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	st, err := server.OpenStore(ctx, *db)
	if err != nil {
		env.errorf("directions serve: %v", err)
		return exitInvalid
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Dir: paths[0], Store: st, Import: *imp, MaxBody: int64(maxBody.n), Load: env.opts})
	if err != nil {
		env.errorf("directions serve: %v", err)
		return exitInvalid
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		env.errorf("directions serve: %v", err)
		return exitInvalid
	}
	fmt.Fprintf(env.stdout, "directions serve: listening on http://%s (store %s)\n", ln.Addr(), server.Redact(*db))
	if secret, err := server.DevToken(ctx, st); err != nil {
		env.errorf("directions serve: %v", err)
	} else if secret != "" {
		fmt.Fprintf(env.stdout, "development admin token (shown once, only its hash is kept; revoke it with 'directions serve token revoke'):\n  %s\n", secret)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		env.errorf("directions serve: %v", err)
		return exitInvalid
	}
	fmt.Fprintln(env.stdout, "directions serve: stopped")
	return exitOK
}

// tokenCommands are serve's token subcommands: their usage lines and
// summaries, for their own help and for the usage error.
var tokenCommands = []struct{ name, usage, summary string }{
	{"create", "serve token create --role council|dfe|admin [--council NAME] [--label TEXT] [--db FILE|URL]", "create a token for the service and print it once on standard output; only its SHA-256 is stored"},
	{"revoke", "serve token revoke [--db FILE|URL] ID", "revoke a token by its ID (see 'directions serve token list')"},
	{"list", "serve token list [--db FILE|URL]", "list the tokens: ID, role, council, label, when created and revoked (never the secrets)"},
}

// subcommand returns the subcommand words at the start of a command's
// arguments ("token", "token create"), so that --help after them gives
// the subcommand's help rather than its parent's.
func subcommand(cmd string, args []string) []string {
	if cmd != "serve" || len(args) == 0 || args[0] != "token" {
		return nil
	}
	if len(args) > 1 && tokenCommand(args[1]) >= 0 {
		return []string{"token", args[1]}
	}
	return []string{"token"}
}

func tokenCommand(name string) int {
	for i, c := range tokenCommands {
		if c.name == name {
			return i
		}
	}
	return -1
}

// summaryOf is a command's or a token subcommand's one-line summary.
func summaryOf(name string) string {
	if sub, ok := strings.CutPrefix(name, "serve token "); ok {
		if i := tokenCommand(sub); i >= 0 {
			return tokenCommands[i].summary
		}
	}
	return commands[name].summary
}

func runToken(ctx context.Context, env *cliEnv, args []string) int {
	usages := make([]string, len(tokenCommands))
	for i, c := range tokenCommands {
		usages[i] = "directions " + c.usage
	}
	i := -1
	if len(args) > 0 {
		i = tokenCommand(args[0])
	}
	if i < 0 {
		if env.help {
			fmt.Fprintf(env.stdout, "usage: %s\n\nmanage the service's tokens (see docs/serve.md); 'directions serve token SUBCOMMAND --help' for each.\n%s\n", strings.Join(usages, "\n       "), exitCodesLine("serve token"))
			return exitOK
		}
		if len(args) > 0 {
			env.errorf("directions serve token: unknown subcommand %q%s", args[0], yamlx.Suggest(args[0], []string{"create", "revoke", "list"}))
		}
		fmt.Fprintf(env.stderr, "usage: %s\n", strings.Join(usages, "\n       "))
		return exitInvalid
	}
	usage := func() int {
		fmt.Fprintf(env.stderr, "usage: %s\nRun 'directions serve token %s --help' for its flags.\n", usages[i], args[0])
		return exitInvalid
	}
	fs := newFlags(env, "serve token "+args[0], tokenCommands[i].usage)
	db := dbFlag(fs)
	var role, council, label *string
	if args[0] == "create" {
		role = fs.String("role", "", "the token's role: council, dfe or admin")
		council = fs.String("council", "", "the council a council token is for")
		label = fs.String("label", "", "a note saying who holds the token")
	}
	env.parsing = true
	err := fs.Parse(interleave(fs, args[1:]))
	env.parsing = false
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(env.stderr, flagError(fs, err))
		}
		return exitInvalid
	}
	if wantArgs := map[string]int{"revoke": 1}[args[0]]; fs.NArg() != wantArgs {
		return usage()
	}
	st, err := server.OpenStore(ctx, *db)
	if err != nil {
		env.errorf("directions serve token: %v", err)
		return exitInvalid
	}
	defer st.Close()
	switch args[0] {
	case "create":
		secret, t, err := server.NewToken(ctx, st, server.Role(*role), *council, *label)
		if err != nil {
			env.errorf("directions serve token create: %v", err)
			return exitInvalid
		}
		fmt.Fprintf(env.stderr, "created %s (%s%s); the token is shown once, only its SHA-256 is kept:\n", t.ID, t.Role, map[bool]string{true: " of " + t.Council}[t.Council != ""])
		fmt.Fprintln(env.stdout, secret)
	case "revoke":
		ok, err := st.RevokeToken(ctx, fs.Arg(0))
		if err != nil {
			env.errorf("directions serve token revoke: %v", err)
			return exitInvalid
		}
		if !ok {
			env.errorf("directions serve token revoke: no live token %q (see 'directions serve token list')", fs.Arg(0))
			return exitInvalid
		}
		fmt.Fprintf(env.stdout, "revoked %s (a running server stops accepting it within %s)\n", fs.Arg(0), server.TokenCacheTTL)
	case "list":
		ts, err := st.Tokens(ctx)
		if err != nil {
			env.errorf("directions serve token list: %v", err)
			return exitInvalid
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tCOUNCIL\tLABEL\tCREATED\tREVOKED")
		for _, t := range ts {
			rev := "-"
			if !t.Revoked.IsZero() {
				rev = t.Revoked.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, dash(t.Council), dash(t.Label), t.Created.Format(time.RFC3339), rev)
		}
		_ = tw.Flush()
	}
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
