package basebackup

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
)

// Take runs pg_basebackup, streams its tar sealed into base/<id>/data.arca
// and commits the backup by writing base/<id>/manifest.json. On error
// nothing is committed (no manifest; the data object is not stored either,
// or is removed).
func Take(ctx context.Context, cfg Config) (Backup, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return Backup{}, err
	}
	start := cfg.Now().UTC()
	id := newID(start)
	b, err := take(ctx, cfg, id, start)
	if err != nil {
		return Backup{}, fmt.Errorf("base backup %s: %w", id, err)
	}
	return b, nil
}

func newID(t time.Time) string {
	r := make([]byte, 3)
	_, _ = rand.Read(r)
	return t.Format("20060102T150405Z") + "-" + hex.EncodeToString(r)
}

func take(ctx context.Context, cfg Config, id string, start time.Time) (Backup, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kek, err := cfg.Keys.Primary("")
	if err != nil {
		return Backup{}, err
	}
	label := cfg.Label
	if label == "" {
		label = "arca " + id
	}
	checkpoint := "spread"
	if cfg.FastCheckpoint {
		checkpoint = "fast"
	}
	cmd := exec.CommandContext(ctx, cfg.PGBaseBackup, "-d", cfg.ConnString, "-D", "-", "-Ft", "-X", "none",
		"-c", checkpoint, "-l", label)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 64 << 10}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Backup{}, err
	}
	if err := cmd.Start(); err != nil {
		return Backup{}, fmt.Errorf("start pg_basebackup: %w", err)
	}

	// pg_basebackup stdout ─tee─► sniff (tar facts) and plaintext hash ─► sealParts ─pipe─► Put
	sniffR, sniffW := io.Pipe()
	sniffDone := make(chan sniffResult, 1)
	go func() {
		s, err := sniff(sniffR)
		_, _ = io.Copy(io.Discard, sniffR) // keep the tee flowing after an error
		sniffDone <- sniffResult{s, err}
	}()
	plainHash := sha256.New()
	plain := &iocount.Reader{R: io.TeeReader(stdout, io.MultiWriter(plainHash, sniffW))}

	dataKey := cfg.Layout.Data("base", "", id)
	putR, putW := io.Pipe()
	putDone := make(chan error, 1)
	go func() {
		_, err := cfg.Store.Put(ctx, dataKey, putR, -1, objectOptions(cfg)...)
		_ = putR.CloseWithError(err) // unblock the sealer if Put gave up early
		putDone <- err
	}()

	parts, sealedSum, err := sealParts(ctx, putW, plain, "base/"+id, kek, cfg.PartSize, cfg.Parallelism)
	_ = sniffW.Close()
	sn := <-sniffDone
	if err == nil {
		if err = cmd.Wait(); err != nil {
			err = fmt.Errorf("pg_basebackup: %w: %s", err, strings.TrimSpace(stderr.String()))
		}
	} else {
		cancel()
		_ = cmd.Wait()
	}
	if err == nil && sn.err != nil {
		err = sn.err
	}
	if err != nil {
		putW.CloseWithError(err) // Put stores nothing
		<-putDone                //nolint:errcheck // Put's error follows from ours, which is reported
		return Backup{}, err
	}
	_ = putW.Close()
	if err := <-putDone; err != nil {
		return Backup{}, err
	}
	stop := cfg.Now().UTC()

	facts, err := factsOf(sn.s, cfg.SegmentSize)
	if err != nil {
		_ = cfg.Store.Delete(context.WithoutCancel(ctx), dataKey)
		return Backup{}, err
	}
	facts.StartTime, facts.StopTime = start, stop
	return commit(ctx, cfg, id, dataKey, facts, parts, sealedSum, plain.N, plainHash.Sum(nil), kek.ID)
}

type sniffResult struct {
	s   sniffed
	err error
}

func objectOptions(cfg Config) []objstore.Option {
	tags := map[string]string{"DataType": "HealthRecords", "Kind": "base"}
	maps.Copy(tags, cfg.Tags)
	opts := []objstore.Option{objstore.WithTags(tags)}
	if cfg.StorageClass != "" {
		opts = append(opts, objstore.WithStorageClass(cfg.StorageClass))
	}
	return opts
}

// factsOf turns what the tar said into Facts.
func factsOf(s sniffed, segSize int64) (Facts, error) {
	stop, err := wal.ParseLSN(s.walRange.EndLSN)
	if err != nil {
		return Facts{}, fmt.Errorf("backup_manifest WAL-Ranges: %w", err)
	}
	if _, err := wal.ParseLSN(s.label.StartLSN); err != nil {
		return Facts{}, fmt.Errorf("backup_label: %w", err)
	}
	tl := s.walRange.Timeline
	if tl == 0 {
		tl = s.label.Timeline
	}
	return Facts{
		Label: s.label.Label, Timeline: s.label.Timeline,
		StartLSN: s.label.StartLSN, StopLSN: stop.String(), CheckpointLSN: s.label.Checkpoint,
		StartWAL: s.label.StartWAL, StopWAL: wal.SegmentOf(tl, stop-1, segSize),
		ServerStartTime: s.label.StartTime, ServerVersion: s.version, SegmentSize: segSize,
	}, nil
}

// commit writes the manifest: from here on the backup exists.
func commit(ctx context.Context, cfg Config, id, dataKey string, facts Facts, parts []backup.Part,
	sealedSum []byte, plainSize int64, plainSum []byte, keyID string) (Backup, error) {
	var size int64
	for _, p := range parts {
		size += p.Size
	}
	export, err := json.Marshal(facts)
	if err != nil {
		return Backup{}, err
	}
	m := backup.Manifest{
		FormatVersion: backup.FormatVersion, ToolVersion: cfg.ToolVersion, BackupID: id, Kind: "base",
		CreatedAt: facts.StartTime, CommittedAt: cfg.Now().UTC(),
		Object:    backup.Object{Key: dataKey, Size: size, SHA256: hex.EncodeToString(sealedSum), Parts: parts},
		PlainSize: plainSize, PlainSHA256: hex.EncodeToString(plainSum),
		KeyIDs: []string{keyID}, StorageClass: cfg.StorageClass, Export: export,
	}
	key, data, err := cfg.Layout.SealManifest(ctx, m, cfg.Keys)
	if err != nil {
		return Backup{}, err
	}
	if _, err := cfg.Store.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
		return Backup{}, fmt.Errorf("write manifest: %w", err)
	}
	return Backup{Manifest: m, Facts: facts}, nil
}
