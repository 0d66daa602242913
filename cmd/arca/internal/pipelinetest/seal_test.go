package pipelinetest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	encryptor "github.com/arcabackup/arca/services/encryptor/service"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

type sealedParts struct {
	mu    sync.Mutex
	parts map[string][]messages.PartSealed
}

func (s *sealedParts) add(m messages.PartSealed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parts[m.BackupID] = append(s.parts[m.BackupID], m)
}

// complete returns a backup's sealed parts in order once the last is in.
func (s *sealedParts) complete(backupID string) []messages.PartSealed {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := append([]messages.PartSealed(nil), s.parts[backupID]...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Part < ps[j].Part })
	if len(ps) == 0 || !ps[len(ps)-1].Last || len(ps) != ps[len(ps)-1].Part+1 {
		return nil
	}
	return ps
}

// The exporter cuts a tenant archive into parts, the encryptor seals each,
// and the sealed parts, concatenated in order, open with the keyring alone
// into an archive that passes its own verification.
func TestExportedPartsSealAndOpenIntoAVerifiedArchive(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := teststack.NewFixtureDatabase(t)

	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	kr := keyringtest.New(t)

	const partSize = 16 << 10
	exp, err := exporter.New(exporter.Deps{JS: n.JS, Staging: st}, exporter.Config{SourceURL: db.URL, PartSize: partSize, MaxPartsWaiting: 2})
	require.NoError(t, err)
	enc, err := encryptor.New(encryptor.Deps{JS: n.JS, Staging: st, Keys: kr}, encryptor.Config{})
	require.NoError(t, err)
	got := &sealedParts{parts: map[string][]messages.PartSealed{}}
	collector := jobs.NewWorker(n.JS, jobs.Stage{Name: messages.StageUpload, Subject: messages.SubjectUpload},
		func(ctx context.Context, j *jobs.Job[messages.PartSealed]) error { got.add(j.Msg); return nil }, jobs.Config{})

	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{exp.Run, enc.Run, collector.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(wctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })

	at := time.Now().UTC()
	job := messages.ExportRequested{V: 1, Run: "r1", Tenant: "acme", Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "r1", "acme", at), RequestedAt: at}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.ExportSubject("acme"), job, messages.ExportMsgID(job.BackupID)))

	var parts []messages.PartSealed
	teststack.Eventually(t, 60*time.Second, func() bool { parts = got.complete(job.BackupID); return parts != nil }, "every part sealed")
	require.Greater(t, len(parts), 3, "the multi-megabyte fixture spans several 16 KiB compressed parts")

	var artifact bytes.Buffer
	var plainSize int64
	for _, p := range parts {
		plainSize += p.PlainSize
		if !p.Last {
			require.GreaterOrEqual(t, p.Size, int64(partSize), "part %d: cut by its compressed size", p.Part)
		}
		require.Equal(t, messages.ArtifactID(job.BackupID, 1), p.Artifact)
		require.NotEmpty(t, p.KeyID)
		rc, info, err := st.Get(ctx, p.StagingKey)
		require.NoError(t, err)
		require.Equal(t, p.SHA256, info.SHA256)
		_, err = io.Copy(&artifact, rc)
		require.NoError(t, err)
		_ = rc.Close()
		_, err = st.Stat(ctx, staging.PlainKey(p.Artifact, p.Part))
		require.True(t, errors.Is(err, staging.ErrNotFound), "plaintext part %d deleted once sealed", p.Part)
	}

	// Every part is a compressed payload, the exporter's frame sealed as is.
	pr := seal.NewPartReader(bytes.NewReader(artifact.Bytes()), parts[0].Artifact, kr)
	for {
		info, err := pr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.True(t, info.Compressed, "part %d is compressed", info.Index)
	}
	require.Equal(t, len(parts), pr.Parts())

	plain := seal.NewReader(bytes.NewReader(artifact.Bytes()), parts[0].Artifact, kr)
	counted := &iocount.Reader{R: plain}
	ar := archive.NewReader(counted)
	files := 0
	for {
		e, err := ar.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, e)
		require.NoError(t, err)
		files++
	}
	m, ok := ar.Manifest()
	require.True(t, ok)
	_, err = io.Copy(io.Discard, counted)
	require.NoError(t, err)
	require.Equal(t, counted.N, plainSize, "the parts' plaintext sizes add up to the archive")
	require.Equal(t, "acme", m.Tenant.ID)
	require.Greater(t, len(m.Tables), 3)
	require.GreaterOrEqual(t, files, len(m.Tables))

	// The export facts wait in staging for the uploader.
	_, err = st.Stat(ctx, staging.FactsKey(parts[0].Artifact))
	require.NoError(t, err)

	// Opening under another artifact's name fails authentication.
	_, err = io.Copy(io.Discard, seal.NewReader(bytes.NewReader(artifact.Bytes()), "other", kr))
	var auth *seal.AuthError
	require.ErrorAs(t, err, &auth)
}
