package stack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
)

// urlFile is where arca dev leaves its embedded server's URL, so that other
// commands on the machine find it.
func urlFile(cfg config.Config) string { return filepath.Join(cfg.Dir, "nats.url") }

// StoreKeyEnv names the variable holding the embedded server's JetStream
// encryption key.
const StoreKeyEnv = "ARCA_NATS_STORE_KEY"

// storeKeyFile is where arca dev keeps the key it generated when
// StoreKeyEnv is empty: beside the store, readable by its owner only.
func storeKeyFile(cfg config.Config) string { return filepath.Join(cfg.Dir, "nats.key") }

// StoreKey is the embedded server's JetStream encryption key: StoreKeyEnv
// if set, else the key kept in the state directory, else a new random key
// written there. Staged parts hold patient data until they are sealed, so
// the embedded store is never written in clear.
func StoreKey(cfg config.Config) (string, error) {
	if k := os.Getenv(StoreKeyEnv); k != "" {
		return k, nil
	}
	path := storeKeyFile(cfg)
	b, err := os.ReadFile(path)
	if err == nil {
		if k := strings.TrimSpace(string(b)); k != "" {
			return k, nil
		}
		return "", fmt.Errorf("nats store key %s is empty", path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("nats store key: %w", err)
	}
	k, err := embednats.NewKey()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return "", fmt.Errorf("nats store key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("nats store key: %w", err)
	}
	if _, err := f.WriteString(k + "\n"); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("nats store key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("nats store key %s: %w", path, err)
	}
	return k, nil
}

// DevMaxStore caps what arca dev's embedded JetStream server stores on
// disk, all streams together: the two staging buckets' former caps
// (8 GiB each). The staging buckets there have no MaxBytes of their own, so
// that the server gives them 2 MiB file blocks instead of 8 MiB ones
// (docs/DESIGN.md decision 43). It must stay at least 16 GiB: buckets made
// with 8 GiB each by an earlier arca dev count as reserved until Ensure
// updates them, and the server refuses the update under a smaller cap.
const DevMaxStore = 16 << 30

// Embedded starts the embedded JetStream server of arca dev, on a random
// loopback port, with its store under the state directory, encrypted at
// rest with StoreKey, capped at DevMaxStore.
func Embedded(cfg config.Config) (*embednats.Server, error) {
	key, err := StoreKey(cfg)
	if err != nil {
		return nil, err
	}
	s, err := embednats.Start(embednats.Options{
		Dir: filepath.Join(cfg.Dir, "nats"), SyncAlways: cfg.NATS.SyncAlways,
		Encryption: &embednats.Encryption{Key: key}, MaxStore: DevMaxStore,
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(urlFile(cfg), []byte(s.URL()), 0o600); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// NATSURL is the configured URL, or the one a running arca dev left.
func NATSURL(cfg config.Config) (string, error) {
	if cfg.NATS.URL != "" {
		return cfg.NATS.URL, nil
	}
	b, err := os.ReadFile(urlFile(cfg))
	if err != nil {
		return "", fmt.Errorf("no nats.url configured and no arca dev running here (%s): %w (%s)", urlFile(cfg), err, NATSHint)
	}
	return strings.TrimSpace(string(b)), nil
}

// InboxPrefix is the inbox prefix of a connection as the user named in the
// NATS URL: "_INBOX_<user>", the only subjects that user may subscribe to
// under the generated permissions (cmd/arca/internal/grants), so that one
// service cannot read the replies and deliveries of another. No user (arca
// dev, a token) or a user name that is not a plain subject token: "" (the
// default _INBOX).
func InboxPrefix(natsURL string) string {
	first, _, _ := strings.Cut(natsURL, ",")
	u, err := url.Parse(strings.TrimSpace(first))
	if err != nil || u.User == nil {
		return ""
	}
	user := u.User.Username()
	if _, hasPassword := u.User.Password(); !hasPassword || user == "" {
		return ""
	}
	for _, r := range user {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return ""
		}
	}
	return "_INBOX_" + user
}

// NATSHint follows every "NATS unreachable" error.
const NATSHint = "is `arca dev` or the cluster running?"

// Conn is a JetStream connection with the streams ensured.
type Conn struct {
	NC      *nats.Conn
	JS      jetstream.JetStream
	Staging *staging.Store
}

// Connect connects, ensures the streams and opens staging.
func Connect(ctx context.Context, cfg config.Config, name string) (*Conn, error) {
	url, err := NATSURL(cfg)
	if err != nil {
		return nil, err
	}
	opts := []nats.Option{nats.Name("arca " + name), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second)}
	if p := InboxPrefix(url); p != "" {
		opts = append(opts, nats.CustomInboxPrefix(p))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect nats %s: %w (%s)", messages.RedactURL(url), messages.RedactError(err), NATSHint)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	if err := jobs.EnsureStreams(ctx, js, jobs.StreamOptions{Replicas: cfg.NATS.Replicas}); err != nil {
		nc.Close()
		return nil, err
	}
	c := &Conn{NC: nc, JS: js}
	if usesStaging[name] {
		if c.Staging, err = staging.Ensure(ctx, js, StagingOptions(cfg)); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return c, nil
}

// StagingOptions are the staging buckets' options. Under arca dev (no
// nats.url: its embedded server) the buckets have no MaxBytes, the server's
// store cap (DevMaxStore) bounding them instead, since a stream's MaxBytes
// makes the server use 8 MiB file blocks, whose buffers were most of arca
// dev's memory at its peak (decision 43). An external server keeps the
// buckets' own cap (staging.Options' default, 8 GiB): its store limit is
// the operator's.
func StagingOptions(cfg config.Config) staging.Options {
	o := staging.Options{Replicas: cfg.NATS.Replicas}
	if cfg.NATS.URL == "" {
		o.MaxBytes = -1
	}
	return o
}

// usesStaging are the connections that ensure and open staging: the stages
// that stage parts (arca dev connects as the first of StageServices). The others'
// NATS users hold no right on staging (cmd/arca/internal/grants), and
// their Conn.Staging is nil.
var usesStaging = map[string]bool{"exporter": true, "encryptor": true, "uploader": true}

// Close drains the connection.
func (c *Conn) Close() { _ = c.NC.Drain() }

// ErrNoNATS is Publish's error when NATS did not answer.
var ErrNoNATS = errors.New("NATS unreachable")

// Publish publishes events when NATS answers, so that the catalog and the
// alerter hear of what a command did outside the pipeline (arca copy, arca
// drill); without NATS the command's output is the record, and the error
// (ErrNoNATS) says so.
func Publish(ctx context.Context, cfg config.Config, name string, events ...messages.Event) error {
	conn, err := Connect(ctx, cfg, name)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoNATS, err)
	}
	defer conn.Close()
	pub := jobs.NewPublisher(conn.JS)
	for _, e := range events {
		if err := pub.Event(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
