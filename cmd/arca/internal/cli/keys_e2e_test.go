package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

// arcaEnv is one configuration of the arca command against this test's
// database, state directory and keyring.
type arcaEnv struct {
	t      *testing.T
	config string
	dir    string
}

// run runs `arca ARGS` in process and returns stdout, stderr and the error.
func (e arcaEnv) run(ctx context.Context, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := cli.Execute(ctx, append([]string{"--config", e.config}, args...), &out, &errOut)
	return out.String(), errOut.String(), err
}

// start runs a long-lived `arca ARGS` (dev, a service) until the test ends.
func (e arcaEnv) start(args ...string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var errOut syncBuffer
	go func() {
		defer close(done)
		err := cli.Execute(ctx, append([]string{"--config", e.config}, args...), io.Discard, &errOut)
		if err != nil && ctx.Err() == nil {
			e.t.Errorf("arca %v stopped: %v\n%s", args, err, errOut.String())
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	e.t.Cleanup(stop)
	return stop
}

// syncBuffer is the output of an arca run that the test reads while it runs.
type syncBuffer = teststack.LogBuffer

func writeConfig(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
}

type backupOutcome struct {
	BackupID string `json:"backup_id"`
	Status   string `json:"status"`
	Reason   string `json:"reason"`
}

// backupTenant runs `arca backup tenant ID --wait --json`.
func (e arcaEnv) backupTenant(ctx context.Context, tenant string) (backupOutcome, error) {
	out, _, err := e.run(ctx, "--json", "backup", "tenant", tenant, "--wait", "--timeout", "3m")
	var os []backupOutcome
	require.NoError(e.t, json.Unmarshal([]byte(out), &os), out)
	require.Len(e.t, os, 1)
	return os[0], err
}

// keyIDs opens a tenant backup's sealed object and returns the key ids its
// parts name (read from the part headers as the object opens).
func (e arcaEnv) keyIDs(ctx context.Context, kr *keyring.Keyring, tenant, backupID string) []string {
	store, err := fsstore.New(filepath.Join(e.dir, "bucket"))
	require.NoError(e.t, err)
	obj, err := store.Get(ctx, backup.Layout{Prefix: "arca"}.Data(string(messages.KindTenant), tenant, backupID), objstore.Range{})
	require.NoError(e.t, err)
	defer func() { _ = obj.Close() }()
	rec := &recordingKeys{kr: kr, seen: map[string]bool{}}
	_, err = io.Copy(io.Discard, seal.NewReader(obj, messages.ArtifactID(backupID, 1), rec))
	require.NoError(e.t, err)
	var ids []string
	for id := range rec.seen {
		ids = append(ids, id)
	}
	return ids
}

type recordingKeys struct {
	kr   *keyring.Keyring
	seen map[string]bool
}

func (r *recordingKeys) Key(id string) (seal.KEK, error) { r.seen[id] = true; return r.kr.Key(id) }

func (e arcaEnv) keyring(ctx context.Context) *keyring.Keyring {
	kr, err := keyring.Load(ctx, keyring.File{Path: filepath.Join(e.dir, "keyring.json"), Passphrase: []byte(os.Getenv("ARCA_KEYRING_PASSPHRASE"))})
	require.NoError(e.t, err)
	return kr
}

type keysStatus struct {
	Epoch struct {
		N uint64 `json:"epoch"`
	} `json:"epoch"`
	Instances []struct {
		ID       string   `json:"id"`
		Services []string `json:"services"`
		Epoch    uint64   `json:"epoch"`
		Behind   string   `json:"behind"`
	} `json:"instances"`
	Behind int `json:"behind"`
}

func (e arcaEnv) status(ctx context.Context) (keysStatus, error) {
	out, _, err := e.run(ctx, "--json", "keys", "status")
	var s keysStatus
	if out != "" {
		require.NoError(e.t, json.Unmarshal([]byte(out), &s), out)
	}
	return s, err
}

// With arca dev running (every stage, the coordinator, embedded NATS):
// rotation gives the tenant's next backup the new key; erasure makes the
// tenant's next backup fail at once with "tenant keys were destroyed", and
// the running verifier no longer verifies what was sealed under the
// destroyed key; an encryptor whose keyring file was not updated is named by
// erase-tenant, which exits non-zero, and seals nothing for the erased
// tenant meanwhile.
func TestKeyChangesReachTheRunningServices(t *testing.T) {
	ctx := t.Context()
	dev := newDevEnv(t)
	dev.configure("")
	env, dir := dev.arcaEnv, dev.dir

	env.start("dev")
	teststack.Eventually(t, 2*time.Minute, func() bool {
		s, err := env.status(ctx)
		return err == nil && len(s.Instances) == 1
	}, "arca dev's services holding keys are listed by keys status")

	// Before: the tenant has no key of its own and seals under the default.
	first, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, first.Reason)
	kr := env.keyring(ctx)
	def, err := kr.Primary("")
	require.NoError(t, err)
	require.Equal(t, []string{def.ID}, env.keyIDs(ctx, kr, "acme", first.BackupID))

	// Rotate: keys rotate returns once the running services hold the key,
	// and the next backup's parts carry it.
	out, _, err := env.run(ctx, "--json", "keys", "rotate", "--tenant", "acme")
	require.NoError(t, err)
	var infos []keyring.Info
	require.NoError(t, json.Unmarshal([]byte(out), &infos))
	var acmeKey string
	for _, i := range infos {
		if i.Tenant == "acme" && i.Primary {
			acmeKey = i.ID
		}
	}
	require.NotEmpty(t, acmeKey)
	second, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, second.Reason)
	kr = env.keyring(ctx)
	require.Equal(t, []string{acmeKey}, env.keyIDs(ctx, kr, "acme", second.BackupID))

	// Erase: the next backup of the tenant is dead-lettered at once with
	// the reason, never sealed under the destroyed key.
	_, js := teststack.Connect(t, natsURL(t, dir))
	_, stderr, err := env.run(ctx, "keys", "erase-tenant", "acme", "--confirm", "acme")
	require.NoError(t, err, stderr)
	third, err := env.backupTenant(ctx, "acme")
	require.Error(t, err)
	require.Equal(t, "dead_lettered", third.Status)
	require.Contains(t, third.Reason, keyring.ErrTenantErased.Error())
	// arca status RUN prints the job's error in text too.
	teststack.Eventually(t, time.Minute, func() bool {
		text, _, err := env.run(ctx, "status", manualRun(ctx, t, env, third.BackupID))
		return err == nil && strings.Contains(text, "tenant acme "+third.BackupID+": ") && strings.Contains(text, keyring.ErrTenantErased.Error())
	}, "status RUN shows the dead-lettered job's error")
	dead, err := js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{messages.EventSubject("acme", third.BackupID, messages.StageEncrypt, messages.StatusDeadLettered)}})
	require.NoError(t, err)
	msg, err := dead.Next(jetstream.FetchMaxWait(time.Minute))
	require.NoError(t, err)
	ev, err := messages.Decode[messages.Event](msg.Data())
	require.NoError(t, err)
	require.Equal(t, third.BackupID, ev.BackupID)
	require.Equal(t, 1, ev.Attempt, "dead-lettered on the first attempt, not retried")

	// The running verifier, asked again about the backup sealed under the
	// tenant's now destroyed key, fails it with the reason; so does the CLI.
	manifestKey := backup.Layout{Prefix: "arca"}.Manifest(string(messages.KindTenant), "acme", second.BackupID)
	again := messages.VerifyRequested{V: messages.Version, Tenant: "acme", Kind: messages.KindTenant, BackupID: second.BackupID, ManifestKey: manifestKey}
	require.NoError(t, jobs.NewPublisher(js).Publish(ctx, messages.VerifySubject(second.BackupID), again, "reverify:"+second.BackupID))
	failed, err := js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{messages.EventSubject("acme", second.BackupID, messages.StageVerify, messages.StatusFailed)}})
	require.NoError(t, err)
	msg, err = failed.Next(jetstream.FetchMaxWait(time.Minute))
	require.NoError(t, err)
	ev, err = messages.Decode[messages.Event](msg.Data())
	require.NoError(t, err)
	require.Equal(t, second.BackupID, ev.BackupID)
	require.Contains(t, ev.Error, keyring.ErrTenantErased.Error())
	_, _, err = env.run(ctx, "verify", second.BackupID)
	require.Equal(t, 3, cli.ExitCode(err), "arca verify: %v", err)

	// An encryptor on a host whose keyring file is not updated: it holds
	// the current epoch (beta has a key of its own), then cannot load the
	// next one. erase-tenant names it and exits non-zero, keys status shows
	// it behind, and it seals nothing for beta meanwhile: beta's next
	// backup still fails with the tenant-erased reason.
	_, stderr, err = env.run(ctx, "keys", "rotate", "--tenant", "beta")
	require.NoError(t, err, stderr)
	stale := filepath.Join(dir, "stale-keyring.json")
	doc, err := os.ReadFile(filepath.Join(dir, "keyring.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(stale, doc, 0o600))
	staleEnv := arcaEnv{t: t, config: filepath.Join(dir, "stale.yaml"), dir: dir}
	writeConfig(t, staleEnv.config, dev.configText(fmt.Sprintf("nats: {url: %q}\nkeys: {keyring: %q}\n", natsURL(t, dir), "file:"+stale)))
	stopStale := staleEnv.start("encryptor")
	teststack.Eventually(t, time.Minute, func() bool {
		s, err := env.status(ctx)
		return err == nil && len(s.Instances) == 2 && s.Behind == 0
	}, "the second encryptor is listed, at the current epoch")

	_, _, err = env.run(ctx, "keys", "erase-tenant", "beta", "--confirm", "beta", "--ack-timeout", "5s")
	require.Error(t, err)
	require.Equal(t, 1, cli.ExitCode(err))
	require.Contains(t, err.Error(), "(erase-tenant beta) announced, but 1 of 2 running instances did not load it")
	require.Contains(t, err.Error(), "[encryptor]")
	require.Contains(t, err.Error(), "the keyring source holds fingerprint")
	beta, err := env.backupTenant(ctx, "beta")
	require.Error(t, err)
	require.Equal(t, "dead_lettered", beta.Status)
	require.Contains(t, beta.Reason, keyring.ErrTenantErased.Error())
	s, err := env.status(ctx)
	require.Error(t, err)
	require.Equal(t, 1, s.Behind)
	for _, i := range s.Instances {
		if len(i.Services) == 1 {
			require.Equal(t, []string{"encryptor"}, i.Services)
			require.Less(t, i.Epoch, s.Epoch.N)
			require.NotEmpty(t, i.Behind)
		} else {
			require.Equal(t, s.Epoch.N, i.Epoch, "arca dev holds the new epoch")
		}
	}

	// Stopped, it leaves the list at once: nothing is behind any more.
	stopStale()
	s, err = env.status(ctx)
	require.NoError(t, err)
	require.Len(t, s.Instances, 1)
}

func natsURL(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "nats.url"))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// Without any NATS to tell, keys init succeeds (nothing runs yet), while
// rotate and erase-tenant refuse to claim the fleet was told, unless told
// not to wait.
func TestKeyCommandsWithoutNATSDoNotClaimTheServicesWereTold(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_DIR"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf("dir: %s\n", dir))

	_, stderr, err := env.run(ctx, "keys", "init")
	require.NoError(t, err)
	require.Contains(t, stderr, "no running service told")
	_, _, err = env.run(ctx, "keys", "rotate", "--tenant", "acme")
	require.Error(t, err)
	require.Equal(t, 1, cli.ExitCode(err))
	require.Contains(t, err.Error(), "keyring saved, but no NATS is configured")
	_, err = env.keyring(ctx).Primary("acme")
	require.NoError(t, err, "the rotation itself was saved")
	_, _, err = env.run(ctx, "keys", "erase-tenant", "acme", "--confirm", "acme", "--ack-timeout", "0")
	require.NoError(t, err)
	_, err = env.keyring(ctx).Primary("acme")
	require.ErrorIs(t, err, keyring.ErrTenantErased)
}

// manualRun is the id of the run that holds the backup, from arca status.
func manualRun(ctx context.Context, t *testing.T, env arcaEnv, backupID string) string {
	out, _, err := env.run(ctx, "--json", "status", "--limit", "50")
	if err != nil {
		return ""
	}
	var runs []struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &runs), out)
	for _, r := range runs {
		out, _, err := env.run(ctx, "--json", "status", r.ID)
		if err == nil && strings.Contains(out, backupID) {
			return r.ID
		}
	}
	return ""
}
