package keyadmin_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
)

func TestKeysPrintTheirScopeAndKindNeverMaterial(t *testing.T) {
	created := time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC)
	var w strings.Builder
	keyadmin.Keys{{ID: "k1", Primary: true, Kind: "local", Created: created},
		{ID: "k2", Tenant: "acme", Kind: "kms", KMSURI: "awskms://arn", Created: created, Destroyed: &created}}.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Regexp(t, `^KEY ID\s+SCOPE\s+PRIMARY\s+KIND\s+CREATED\s+DESTROYED$`, lines[0])
	require.Regexp(t, `^k1\s+default\s+true\s+local\s+2026-11-30 01:02:03Z\s*$`, lines[1])
	require.Regexp(t, `^k2\s+tenant acme\s+false\s+kms awskms://arn\s+2026-11-30 01:02:03Z\s+2026-11-30 01:02:03Z$`, lines[2])
}

func TestAnAnnouncementSaysWhatTheServicesDid(t *testing.T) {
	var out, errOut strings.Builder
	keyadmin.Announced{Change: "init"}.WriteText(&out, &errOut)
	keyadmin.Announced{Change: "rotate default", Told: true, Epoch: 2}.WriteText(&out, &errOut)
	keyadmin.Announced{Change: "sync", Told: true, Waited: true, Epoch: 3, Live: 4}.WriteText(&out, &errOut)
	require.Equal(t, "arca: keyring saved; no NATS configured and no arca dev running here: no running service told\n", errOut.String())
	require.Equal(t, "keyring epoch 2 (rotate default) announced; not waiting for the services\n"+
		"keyring epoch 3 (sync): loaded by every running instance (4)\n", out.String())
}

// A recovered keyring prints as its key versions with --json, and says
// where it came from and went otherwise; an escrow says where it went.
func TestRecoveredAndEscrowedSayWhere(t *testing.T) {
	r := keyadmin.Recovered{Keys: keyadmin.Keys{{ID: "k1", Kind: "local"}}, From: "keyring/escrow.json", Into: "/etc/arca/keyring.json"}
	var w strings.Builder
	r.WriteText(&w)
	keyadmin.Escrowed{Key: "keyring/escrow.json", KMS: "aws-kms://arn", LeftOut: 2}.WriteText(&w)
	require.Equal(t, "recovered the keyring from keyring/escrow.json into /etc/arca/keyring.json: 1 key versions\n"+
		"stored the keyring's escrow at keyring/escrow.json in every destination, sealed under aws-kms://arn; 2 tenant keys of their own left out\n", w.String())
	doc, err := json.Marshal(r)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(doc), `[{"id":"k1"`), string(doc))
}
