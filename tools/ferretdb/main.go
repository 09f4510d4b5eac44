// Command ferretdb-ssp runs FerretDB v1.24 (SQLite backend) as the project's
// dev/test MongoDB-protocol server.
//
// Why a wrapper instead of `go install .../cmd/ferretdb@v1.24.2`: the binary
// that command builds panics at start ("Invalid build/version/version.txt"),
// because release builds expect generated version files that a module build
// does not have. FerretDB's embeddable package skips that check, so this
// wrapper runs the same server through it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served only with -debug-addr
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", ".data/ferretdb", "directory for the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	debugAddr := flag.String("debug-addr", "", "serve Go pprof (goroutine dumps) on this address, e.g. 127.0.0.1:8088; off when empty")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "stop when standard input closes (set by a parent process that owns this server)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// Garbage collection: FerretDB allocates a Go value for every field of every document it reads, and
	// at Go's default GOGC=100 the collector took ~30 % of its CPU when reading reports in bulk (profile
	// in README.md, patch 0010). GOGC=400 collects a quarter as often; the soft memory limit makes the
	// collector work harder again before the heap passes 1 GiB. GOGC / GOMEMLIMIT in the environment win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}

	if *debugAddr != "" {
		go func() { _ = http.ListenAndServe(*debugAddr, nil) }()
	}

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "cannot create data dir: %v\n", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot start FerretDB: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// A parent that dies without cleaning up (SIGKILL) must not leave the
	// server running: its end of our stdin pipe closes, and we stop.
	if *watchStdin {
		go watchParent(stop)
	}

	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "FerretDB stopped: %v\n", err)
		os.Exit(1)
	}
}

func watchParent(stop func()) {
	buf := make([]byte, 1)
	for {
		if _, err := os.Stdin.Read(buf); err != nil {
			stop()
			return
		}
	}
}
