package grants

import "path/filepath"

// Compose's bucket and prefix (deploy/compose/arca.yaml).
const (
	ComposeBucket = "backups"
	ComposePrefix = "prod"
)

// Files is every generated file, by path from the repository root.
func Files() map[string][]byte {
	svcs := Services()
	out := map[string][]byte{
		filepath.Join("deploy", "compose", "nats", "accounts.conf"): []byte(AccountsConf(svcs)),
		filepath.Join("deploy", "grants", "postgres.sql"):           []byte(PostgresSQL(svcs)),
	}
	out[filepath.Join("deploy", "grants", "s3", "bucket-policy.json")] = PolicyJSON(BucketPolicy(svcs, ComposeBucket, ComposePrefix,
		func(s string) string { return "${" + S3KeyVar(s) + "}" }))
	for _, s := range svcs {
		if p := s.S3Policy(ComposeBucket, ComposePrefix); p != nil {
			out[filepath.Join("deploy", "grants", "s3", s.Name+".json")] = PolicyJSON(p)
		}
	}
	return out
}
