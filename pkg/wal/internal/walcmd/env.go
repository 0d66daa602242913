package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/wal"
)

func configFromEnv(ctx context.Context) (wal.Config, error) {
	store, err := storeFromEnv(ctx)
	if err != nil {
		return wal.Config{}, err
	}
	keys := keysFromEnv(ctx)
	cfg := spoolConfig()
	cfg.Store, cfg.Layout, cfg.Keys = store, backup.Layout{Prefix: os.Getenv("ARCA_PREFIX")}, keys
	if v := os.Getenv("ARCA_WAL_PREFETCH"); v != "" {
		if _, err := strconv.Atoi(v); err != nil {
			return cfg, fmt.Errorf("ARCA_WAL_PREFETCH: %w", err)
		}
	}
	return cfg, nil
}

// spoolConfig is the part of the configuration the spool needs.
func spoolConfig() wal.Config {
	n, _ := strconv.Atoi(os.Getenv("ARCA_WAL_PREFETCH"))
	return wal.Config{Prefetch: n}
}

func storeFromEnv(ctx context.Context) (objstore.Store, error) {
	v := os.Getenv("ARCA_STORE")
	switch {
	case strings.HasPrefix(v, "fs:"):
		return fsstore.New(strings.TrimPrefix(v, "fs:"))
	case v == "s3":
		return s3store.New(ctx, s3store.Config{
			Endpoint: os.Getenv("ARCA_S3_ENDPOINT"), Region: os.Getenv("ARCA_S3_REGION"),
			Bucket: os.Getenv("ARCA_S3_BUCKET"), PathStyle: true,
			AccessKey: os.Getenv("ARCA_S3_ACCESS_KEY"), SecretKey: os.Getenv("ARCA_S3_SECRET_KEY"),
		})
	}
	return nil, errors.New("ARCA_STORE must be fs:<dir> or s3")
}

// stat is one line of ARCA_WAL_STATS.
type stat struct {
	Op      string  `json:"op"`
	File    string  `json:"file"`
	Seconds float64 `json:"seconds"`       // the Push or Fetch call
	Total   float64 `json:"total_seconds"` // the process, keyring load included
	Error   string  `json:"error,omitempty"`
	// Via says how a push with ARCA_WAL_AGENT_DIR set went: "agent" (the
	// agent stored it) or "direct" (no agent answered). Empty otherwise.
	Via string `json:"via,omitempty"`
}

func record(op, file string, d time.Duration, err error) { recordVia(op, "", file, d, err) }

func recordVia(op, via, file string, d time.Duration, err error) {
	path := os.Getenv("ARCA_WAL_STATS")
	if path == "" {
		return
	}
	s := stat{Op: op, File: file, Seconds: d.Seconds(), Total: time.Since(started).Seconds(), Via: via}
	if err != nil {
		s.Error = err.Error()
	}
	b, _ := json.Marshal(s)
	f, ferr := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if ferr != nil {
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = f.Write(append(b, '\n')) // one write of a short line: O_APPEND keeps lines whole
}
