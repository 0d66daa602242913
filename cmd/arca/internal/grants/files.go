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
	var compose []Service
	for _, s := range svcs {
		if !s.OutsideCompose {
			compose = append(compose, s)
		}
	}
	out := map[string][]byte{
		filepath.Join("deploy", "compose", "nats", "accounts.conf"): []byte(AccountsConf(compose)),
		filepath.Join("deploy", "grants", "postgres.sql"):           []byte(PostgresSQL(svcs)),
	}
	out[filepath.Join("deploy", "grants", "s3", "bucket-policy.json")] = PolicyJSON(BucketPolicy(compose, ComposeBucket, ComposePrefix,
		func(s string) string { return "${" + S3KeyVar(s) + "}" }))
	for _, s := range svcs {
		if p := s.S3Policy(ComposeBucket, ComposePrefix); p != nil {
			out[filepath.Join("deploy", "grants", "s3", s.Name+".json")] = PolicyJSON(p)
		}
		if p := s.KeysPolicy(KMSKeyARNVar, SecretARNVar); p != nil {
			out[filepath.Join("deploy", "grants", "keys", s.Name+".json")] = PolicyJSON(p)
		}
	}
	return out
}
