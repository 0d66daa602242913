package stack_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

func TestScopeNamesTheDefaultOrTheTenant(t *testing.T) {
	require.Equal(t, "default", stack.Scope(""))
	require.Equal(t, "tenant acme", stack.Scope("acme"))
}

// arca status --json: the runs, or with a run named, {"run", "jobs"},
// whatever the run holds.
func TestCatalogStatusJSONIsTheRunsOrOneRunAndItsJobs(t *testing.T) {
	b, err := json.Marshal(stack.CatalogStatus{})
	require.NoError(t, err)
	require.Equal(t, "null", string(b))
	b, err = json.Marshal(stack.CatalogStatus{Runs: []coordinator.Run{{ID: "r1"}}})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), `[{"`), string(b))
}

func TestCatalogStatusTextOfOneRunListsEachJobsError(t *testing.T) {
	st := stack.ReadOneRunForTest(coordinator.Run{ID: "r1", Kind: "tenant", Trigger: "api", State: "failed"},
		[]coordinator.Job{{Tenant: "acme", BackupID: "b1", State: "failed", Error: "export: boom\nstack"}, {BackupID: "b2", State: "verified"}})
	b, err := json.Marshal(st)
	require.NoError(t, err)
	require.Contains(t, string(b), `"run":`)
	require.Contains(t, string(b), `"jobs":`)
	var w strings.Builder
	st.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Equal(t, "run r1 (tenant, api): failed", lines[0])
	require.Regexp(t, `^TENANT\s+BACKUP\s+STATE\s+BYTES\s+ERROR$`, lines[1])
	require.Regexp(t, `^acme\s+b1\s+failed\s+0 B\s+export: boom …$`, lines[2])
	require.Equal(t, "tenant acme b1: export: boom", lines[4])
	require.Equal(t, "stack", lines[5])
}

func TestKeyringStatusSaysWhoIsBehind(t *testing.T) {
	st := stack.KeyringStatus{Epoch: stack.KeyringAnnouncement{Epoch: keyring.Epoch{N: 3, Fingerprint: "0123456789abcdef"}},
		Instances: []stack.KeyringInstance{{ID: "i1", Services: []string{"exporter", "uploader"}, Epoch: 2}}, Behind: 1}
	var w strings.Builder
	st.WriteText(&w)
	require.Contains(t, w.String(), "keyring epoch 3 (nothing announced, 0001-01-01T00:00:00Z), fingerprint 0123456789ab\n")
	require.Regexp(t, `\ni1\s+exporter,uploader\s+2\s+`, w.String())
	require.EqualError(t, st.Err(), "1 of 1 running instances hold an older keyring than epoch 3")
	require.NoError(t, stack.KeyringStatus{}.Err())
}

func TestBucketInitNamesTheFlagThatAcceptsAMissingSetting(t *testing.T) {
	res := stack.BucketInitResult{Report: bucketinit.Report{Bucket: "b",
		Results: []bucketinit.Result{{Setting: "lifecycle", Outcome: bucketinit.Unsupported, Required: true}}}}
	require.EqualError(t, res.Err(), "bucket b: required settings not in place: lifecycle (unsupported) (--optional to accept)")
	res.Results[0].Required = false
	require.NoError(t, res.Err())
}

func TestPickRefusesADestinationNotConfiguredAsConfiguration(t *testing.T) {
	set := destinations.Set{{Name: "primary"}, {Name: "dr"}}
	d, err := stack.Pick(set, "--to", "dr")
	require.NoError(t, err)
	require.Equal(t, "dr", d.Name)
	_, err = stack.Pick(set, "--destination", "nowhere")
	var ce stack.ConfigError
	require.True(t, errors.As(err, &ce))
	require.EqualError(t, err, `--destination "nowhere": not one of [primary dr] (store.destinations)`)
}

func TestWALFetchCommandRunsThisBinaryWithTheConfiguration(t *testing.T) {
	require.Regexp(t, `^/\S+ wal-fetch %f %p$`, stack.WALFetchCommand(""))
	require.Regexp(t, `^/\S+ wal-fetch --config /\S+/arca\.yaml %f %p$`, stack.WALFetchCommand("arca.yaml"))
}

func TestDevBannerSaysWhereEverythingIsAndWhetherItPages(t *testing.T) {
	var cfg config.Config
	cfg.Store.Kind, cfg.Store.S3.Bucket = "s3", "arca"
	cfg.Source.URL = "postgres://arca:secret@db/app"
	cfg.Alerting.PagerDuty.RoutingKeyEnv = "PD_KEY"
	require.False(t, stack.Paging(cfg, func(string) string { return "" }))
	require.True(t, stack.Paging(cfg, func(k string) string { return map[string]string{"PD_KEY": "k"}[k] }))
	banner := stack.DevBanner(cfg, "nats://127.0.0.1:4222", false)
	require.NotContains(t, banner, "secret")
	lines := strings.Split(banner, "\n")
	require.Regexp(t, `^arca dev: NATS nats://127.0.0.1:4222, bucket s3://arca, source postgres://arca:\S+@db/app$`, lines[0])
	require.Equal(t, "arca dev: alerter off (set PD_KEY to page PagerDuty)", lines[1])
	require.Equal(t, "arca dev: ready (Ctrl-C to stop)", lines[2])
	require.Contains(t, stack.DevBanner(cfg, "nats://x", true), "\narca dev: alerter on, paging PagerDuty\n")
}

func TestDryRunEventsPrintOneALine(t *testing.T) {
	var w strings.Builder
	stack.DryRunEvents{json.RawMessage(`{"a":1}`), json.RawMessage(`{"b":2}`)}.WriteText(&w)
	require.Equal(t, "{\"a\":1}\n{\"b\":2}\n", w.String())
	b, err := json.Marshal(stack.DryRunEvents{})
	require.NoError(t, err)
	require.Equal(t, "[]", string(b))
}

func TestBucketInitPrintsEachSettingThenThePolicies(t *testing.T) {
	res := stack.BucketInitResult{Report: bucketinit.Report{Bucket: "b",
		Results: []bucketinit.Result{{Setting: "versioning", Outcome: bucketinit.AlreadySet, Required: true}}},
		Policies: []string{"arca-policies/writer.json"}}
	var w strings.Builder
	res.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Regexp(t, `^SETTING\s+OUTCOME\s+REQUIRED\s+DETAIL$`, lines[0])
	require.Regexp(t, `^versioning\s+already set\s+true\s*$`, lines[1])
	require.Equal(t, "wrote arca-policies/writer.json", lines[2])
}

func TestAWALCheckPrintsTheArchiveThenEachCopy(t *testing.T) {
	var c stack.WALCheck
	c.Age = 90 * time.Second
	c.Copies = []walcheck.CopyResult{{Destination: "dr", Missing: 2}}
	var w strings.Builder
	c.WriteText(&w)
	require.Equal(t, "WAL archive: newest segment 1m30s old, 0 gaps, 0 timeline forks\ncopy in dr: 2 objects missing\n", w.String())
}
