package stack

import (
	"context"
	"fmt"
	"strings"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/messages"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// ConfigFindings are arca check's findings for a configuration that did
// not load (config.Load's error): a failed "config" check per problem,
// with any secret it quotes redacted.
func ConfigFindings(err error) health.Findings {
	var f health.Findings
	for _, line := range config.Problems(err) {
		f.Fail("config", "%s", messages.RedactSecrets(line))
	}
	return f
}

// Check runs each of health's checks (`arca check`) as the configuration
// asks for them: the configuration (loaded from configPath, "" the
// embedded defaults), the source and its archiving, every destination (the
// primary first), the keyring, NATS, the schedules and the catalog.
func Check(ctx context.Context, cfg config.Config, configPath string) health.Findings {
	f := &health.Findings{}
	if configPath == "" {
		f.OK("config", "embedded defaults (no --config or ARCA_CONFIG)")
	} else {
		f.OK("config", "%s is valid", configPath)
	}
	sch := cfg.Schedules
	health.CheckSource(ctx, f, health.Source{URL: cfg.Source.URL, PGBinDir: cfg.Source.PGBinDir, Exclude: cfg.Tenancy.Exclude,
		Drills: sch.Drill != "", Archiving: sch.Base != "" || sch.WALCheck != ""})
	ds := cfg.Destinations()
	for i, d := range ds {
		where := BucketName(cfg)
		if i > 0 {
			where = destinationName(d, cfg.Store.Prefix)
		}
		if len(ds) > 1 {
			where = "destination " + d.Name + " " + where
		}
		if store, err := OpenDestination(ctx, d, nil); err != nil {
			f.Fail("bucket", "%s: %s", where, messages.OneLine(err))
		} else {
			health.CheckBucket(ctx, f, health.Bucket{Store: store, Layout: Layout(cfg), Where: where,
				S3Bucket: d.S3.Bucket, ObjectLock: d.S3.ObjectLock})
		}
	}
	kr, err := Keyring(ctx, cfg, false)
	health.CheckKeyring(f, cfg.Keys.Keyring, kr, err)
	if url, err := NATSURL(cfg); err != nil {
		f.Fail("nats", "%s", messages.OneLine(err))
	} else {
		health.CheckNATS(ctx, f, health.NATS{URL: url, InboxPrefix: InboxPrefix(url), Replicas: cfg.NATS.Replicas, Hint: NATSHint})
	}
	CheckSchedules(cfg, f)
	health.CheckCatalog(ctx, f, cfg.Catalog.URL)
	return *f
}

// BucketName is the primary bucket as an operator names it.
func BucketName(cfg config.Config) string {
	if cfg.Store.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", cfg.Store.S3.Bucket, cfg.Store.Prefix)
	}
	return cfg.Store.FS.Dir
}

func destinationName(d config.Destination, prefix string) string {
	if d.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", d.S3.Bucket, prefix)
	}
	return d.FS.Dir
}

// CheckSchedules finds whether the schedules parse, as the coordinator
// will read them.
func CheckSchedules(cfg config.Config, f *health.Findings) {
	s := cfg.Schedules
	c := coordinator.Config{
		Schedules: coordinator.Schedules{Timezone: s.Timezone, TenantExport: s.TenantExport, Full: s.Full, Drill: s.Drill,
			Retention: s.Retention, Base: s.Base, WALCheck: s.WALCheck},
		Tenancy: Tenancy(cfg),
	}
	if err := c.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			f.Fail("schedules", "%s", line)
		}
		return
	}
	var set []string
	for _, p := range []struct{ name, expr string }{{"tenant_export", s.TenantExport}, {"full", s.Full}, {"drill", s.Drill},
		{"retention", s.Retention}, {"base", s.Base}, {"wal_check", s.WALCheck}} {
		if p.expr != "" {
			set = append(set, fmt.Sprintf("%s %q", p.name, p.expr))
		}
	}
	f.OK("schedules", "%s (%s)", strings.Join(set, ", "), s.Timezone)
}
