package stack

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

// S3Client is the S3 client of the configured bucket, for the settings
// only S3 has; another store kind is a ConfigError.
func S3Client(ctx context.Context, cfg config.Config, what string) (*s3.Client, error) {
	if cfg.Store.Kind != "s3" {
		return nil, ConfigError{errors.New(what + " needs store.kind s3")}
	}
	store, err := Store(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return store.(*s3store.Store).Client(), nil
}

// BucketInitResult is what `arca bucket init` reports.
type BucketInitResult struct {
	bucketinit.Report
	OK bool `json:"ok"`
	// Policies are the files written, by path.
	Policies []string `json:"policies"`
}

// InitBucket creates or checks the bucket (bucketinit.Run) with the
// operator's choices (NoObjectLock, LockMode, LockDays, SSE, Optional of
// flags) over the configuration's (BucketInit), then writes the IAM
// policies to policiesDir ("": none). Bad choices are a ConfigError; a
// required setting not in place is the result's Err, for the caller to
// say after the report.
func InitBucket(ctx context.Context, cfg config.Config, flags bucketinit.Options, policiesDir string) (BucketInitResult, error) {
	client, err := S3Client(ctx, cfg, "arca bucket init")
	if err != nil {
		return BucketInitResult{}, err
	}
	opts := BucketInit(cfg)
	opts.NoObjectLock, opts.LockMode, opts.LockDays, opts.SSE, opts.Optional = flags.NoObjectLock, flags.LockMode, flags.LockDays, flags.SSE, flags.Optional
	c, err := opts.Config()
	if err != nil {
		return BucketInitResult{}, ConfigError{err}
	}
	rep, err := bucketinit.Run(ctx, client, c)
	if err != nil {
		return BucketInitResult{}, err
	}
	res := BucketInitResult{Report: rep, OK: rep.OK()}
	if policiesDir != "" {
		if res.Policies, err = grants.WriteBucketPolicies(policiesDir, c.Bucket, cfg.Store.Prefix); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Lifecycle is the S3 lifecycle configuration derived from the retention
// policy, and notes on what it cannot express.
func Lifecycle(cfg config.Config) (lifecycle.Configuration, []string) {
	return lifecycle.Derive(Policy(cfg), lifecycle.Options{Prefix: cfg.Store.Prefix, Archive: lifecycle.DefaultArchive()})
}

// ApplyLifecycle sets conf on the configured bucket.
func ApplyLifecycle(ctx context.Context, cfg config.Config, conf lifecycle.Configuration) error {
	client, err := S3Client(ctx, cfg, "--apply")
	if err != nil {
		return err
	}
	return lifecycle.Apply(ctx, client, cfg.Store.S3.Bucket, conf)
}

// Prune applies retention to each destination, or only the one named,
// with its own policy (prune.RunEach over PruneDestinations). An unknown
// destination or a policy prune refuses is a ConfigError.
func Prune(ctx context.Context, cfg config.Config, dry bool, only string) ([]prune.DestinationReport, error) {
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	dests, err := PruneDestinations(ctx, cfg, keys, only)
	if errors.Is(err, ErrNoSuchDestination) {
		return nil, ConfigError{err}
	}
	if err != nil {
		return nil, err
	}
	out, err := prune.RunEach(ctx, prune.Config{Layout: Layout(cfg), Keys: keys}, dests, dry)
	if cerr := (*prune.ConfigError)(nil); errors.As(err, &cerr) {
		return out, ConfigError{err}
	}
	return out, err
}
