package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// StateBucket is the KV bucket of in-progress uploads.
const StateBucket = "uploads"

// state is the uploads bucket, keyed by artifact or backup token:
//
//	<artifact>.upload      uploadRecord   the multipart upload of the artifact
//	<artifact>.part.<n>    partRecord     part n is in the upload
//	<artifact>.head        headRecord     how far the whole-object hash has got
//	<backup>.commit        commitRecord   which artifact commits the backup
//	<backup>.multipart     {}             an attempt of the backup started a multipart upload
type state struct{ kv jetstream.KeyValue }

type uploadRecord struct {
	Key       string    `json:"key"`
	UploadID  string    `json:"upload_id"`
	CreatedAt time.Time `json:"created_at"`
}

type partRecord struct {
	Number    int    `json:"number"` // S3 part number: index + 1
	Last      bool   `json:"last"`
	ETag      string `json:"etag"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	PlainSize int64  `json:"plain_size"`
	KeyID     string `json:"key_id"`
}

// headRecord is the whole-object SHA-256 so far: parts 0..Next-1 are
// hashed. Total is set once the last part is hashed.
type headRecord struct {
	Next  int    `json:"next"`
	State []byte `json:"state"` // encoding.BinaryMarshaler form of sha256
	Size  int64  `json:"size"`  // bytes hashed so far
	Total int    `json:"total,omitempty"`
}

type commitRecord struct {
	Artifact  string `json:"artifact"`
	Committed bool   `json:"committed"`
}

// ensureState creates or opens the bucket. Its entries expire after a week:
// anything still there by then belongs to an abandoned attempt.
func ensureState(ctx context.Context, js jetstream.KeyValueManager, replicas int) (*state, error) {
	if replicas == 0 {
		replicas = 1
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: StateBucket, Description: "Arca multipart uploads in progress",
		TTL: 7 * 24 * time.Hour, Replicas: replicas, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("uploads bucket: %w", err)
	}
	return &state{kv: kv}, nil
}

func artifactKey(artifact, what string) string { return messages.Token(artifact) + "." + what }
func partKey(artifact string, n int) string    { return artifactKey(artifact, "part."+strconv.Itoa(n)) }
func commitKey(backupID string) string         { return messages.Token(backupID) + ".commit" }
func multipartKey(backupID string) string      { return messages.Token(backupID) + ".multipart" }

// get reads a record; found is false when the key is absent.
func (s *state) get(ctx context.Context, key string, v any) (found bool, err error) {
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("uploads %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return false, fmt.Errorf("uploads %s: %w", key, err)
	}
	return true, nil
}

func (s *state) put(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := s.kv.Put(ctx, key, b); err != nil {
		return fmt.Errorf("uploads %s: %w", key, err)
	}
	return nil
}

// create writes a record only if the key is absent; created is false (and
// v is left alone) when another writer got there first.
func (s *state) create(ctx context.Context, key string, v any) (created bool, err error) {
	b, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	_, err = s.kv.Create(ctx, key, b)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("uploads %s: %w", key, err)
	}
	return true, nil
}

// forget removes an artifact's records once its backup is committed or
// abandoned.
func (s *state) forget(ctx context.Context, artifact string, parts int) {
	_ = s.kv.Purge(ctx, artifactKey(artifact, "upload"))
	_ = s.kv.Purge(ctx, artifactKey(artifact, "head"))
	for n := 0; n < parts; n++ {
		_ = s.kv.Purge(ctx, partKey(artifact, n))
	}
}
