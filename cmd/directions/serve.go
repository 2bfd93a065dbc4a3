package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

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

func runToken(ctx context.Context, env *cliEnv, args []string) int {
	usage := func() int {
		env.errorf("usage: directions serve token create --role council|dfe|admin [--council NAME] [--label TEXT] [--db FILE|URL]\n       directions serve token revoke [--db FILE|URL] ID\n       directions serve token list [--db FILE|URL]")
		return exitInvalid
	}
	if len(args) == 0 {
		return usage()
	}
	fs := newFlags(env, "serve token "+args[0], "serve token "+args[0]+" [flags]")
	db := dbFlag(fs)
	role := fs.String("role", "", "create: council, dfe or admin")
	council := fs.String("council", "", "create: the council a council token is for")
	label := fs.String("label", "", "create: a note saying who holds the token")
	if err := fs.Parse(interleave(fs, args[1:])); err != nil {
		return exitInvalid
	}
	st, err := server.OpenStore(ctx, *db)
	if err != nil {
		env.errorf("directions serve token: %v", err)
		return exitInvalid
	}
	defer st.Close()
	switch args[0] {
	case "create":
		if fs.NArg() != 0 {
			return usage()
		}
		secret, t, err := server.NewToken(ctx, st, server.Role(*role), *council, *label)
		if err != nil {
			env.errorf("directions serve token create: %v", err)
			return exitInvalid
		}
		fmt.Fprintf(env.stderr, "created %s (%s%s); the token is shown once, only its SHA-256 is kept:\n", t.ID, t.Role, map[bool]string{true: " of " + t.Council}[t.Council != ""])
		fmt.Fprintln(env.stdout, secret)
	case "revoke":
		if fs.NArg() != 1 {
			return usage()
		}
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
	default:
		return usage()
	}
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
