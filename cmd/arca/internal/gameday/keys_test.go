package gameday_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
	"github.com/arcabackup/arca/pkg/teststack"
)

// gamedayKMSKey is the KMS key of scenario 5, on the local AWS server.
const gamedayKMSKey = "arn:aws:kms:sa-east-1:111122223333:key/arca-gameday"

// Scenario 5: the backup host is lost with every local key file; KMS and
// Secrets Manager are still there. The plan keeps the key in Secrets
// Manager; here the keyring document is a secret and its key version is a
// KMS key (each part's data key wrapped by kms:Encrypt), through the real
// AWS SDK against pkg/seal/keyring/awstest. A new host with only the
// configuration (names, no secret) opens the backups: a tenant point-in-
// time restore into another database. The other benches' keyrings are
// passphrase-sealed files: losing such a file loses every backup sealed
// under it (docs/runbooks/gameday-key-file-lost.md).
func keyFileLost(bin string) func(*testing.T, *bench) result {
	return func(t *testing.T, _ *bench) result {
		srv := awstest.New(t)
		srv.CreateKey(t, gamedayKMSKey)
		aws := []string{"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
			"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true"}
		k := newBench(t, bin, func(string) (string, []string) {
			return fmt.Sprintf(`keys: {keyring: "secretsmanager://arca/gameday/keyring", kms: "awskms://%s", aws: {region: sa-east-1, endpoint: %q}}`,
				gamedayKMSKey, srv.URL), aws
		})
		last := writeRecords(t, k.app, "casa1", 10, "sinais vitais")
		teststack.WaitClockPast(t, k.app, last.Add(2*time.Second))
		at := last.Add(time.Second)
		before := homeRows(t, k.app, "casa1")
		writeRecords(t, k.app, "casa2", 1, "depois") // a commit after the target, so that recovery reaches it
		teststack.ArchiveCurrentWAL(t, k.app)

		// The loss: the host's configuration directory and everything
		// local are gone. The configuration, which holds no secret, is
		// in version control.
		doc, err := os.ReadFile(k.cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{k.cfg, filepath.Join(k.dir, "state")} {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
		}
		local, _ := filepath.Glob(filepath.Join(k.dir, "*keyring*"))
		if len(local) > 0 {
			t.Fatalf("a local keyring file exists: %v", local)
		}

		start := time.Now()
		k.writeConfig(t, string(doc))   // the new host
		teststack.OwnByServer(t, k.cfg) // wal-fetch, run by the scratch server, reads it
		decrypts := srv.Calls("TrentService.Decrypt")
		k.arca(t, "keys", "list")
		admin := k.primary.ConnectDB(t, "postgres")
		if _, err := admin.Exec(t.Context(), "CREATE DATABASE opened"); err != nil {
			t.Fatal(err)
		}
		k.arca(t, "restore", "tenant", "--tenant", "casa1", "--at", rfc3339(at), "--target", k.primary.DBURL("opened"))
		rto := since(start)
		decrypts = srv.Calls("TrentService.Decrypt") - decrypts

		ok := check(t, "casa1 restored from the KMS-sealed backups", before, homeRows(t, k.primary.ConnectDB(t, "opened"), "casa1"))
		if decrypts == 0 {
			t.Error("no kms:Decrypt call: the backups were not opened through KMS")
			ok = false
		}
		return result{
			scenario: "5 key file lost, KMS available",
			done:     fmt.Sprintf("host's configuration and local files removed; keyring in Secrets Manager, key in KMS; new configuration, keys list, restore tenant --at --target (tenant PITR, %d kms:Decrypt)", decrypts),
			rto:      rto.String(),
			rpo:      "0 (casa1 as at the target)",
			outcome:  outcome(ok, "backups open with KMS alone; casa1 restored into another database"),
		}
	}
}
