package stack

import (
	"context"
	"errors"
	"fmt"
	"io"

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

// LifecycleRules are the S3 lifecycle rules derived from the retention
// policy, and notes on what they cannot express.
type LifecycleRules struct {
	lifecycle.Configuration
	Notes []string
}

// WriteDocument prints the rules on out, as JSON or as the S3 API's XML, and
// the notes on notes, a line each.
func (r LifecycleRules) WriteDocument(out, notes io.Writer, xml bool) error {
	doc, err := r.JSON()
	if xml {
		doc, err = r.XML()
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, string(doc))
	for _, n := range r.Notes {
		fmt.Fprintln(notes, "note:", n)
	}
	return nil
}

// LifecycleOf derives the S3 lifecycle rules from the retention policy.
func LifecycleOf(cfg config.Config) LifecycleRules {
	conf, notes := lifecycle.Derive(Policy(cfg), lifecycle.Options{Prefix: cfg.Store.Prefix, Archive: lifecycle.DefaultArchive()})
	return LifecycleRules{Configuration: conf, Notes: notes}
}

// Apply sets the rules on the configured bucket (a store that is not S3
// is a ConfigError). arca lifecycle --apply prints them first: what is
// about to be set is on the screen while the bucket answers.
func (r LifecycleRules) Apply(ctx context.Context, cfg config.Config) error {
	client, err := S3Client(ctx, cfg, "--apply")
	if err != nil {
		return err
	}
	return lifecycle.Apply(ctx, client, cfg.Store.S3.Bucket, r.Configuration)
}

// Prune applies retention to each destination, or only the one named,
// with its own policy (prune.RunEach over PruneDestinations); the reports
// name their destinations when several are configured. An unknown
// destination or a policy prune refuses is a ConfigError.
func Prune(ctx context.Context, cfg config.Config, dry bool, only string) (prune.Reports, error) {
	out := prune.Reports{PerDestination: len(cfg.Destinations()) > 1}
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return out, err
	}
	dests, err := PruneDestinations(ctx, cfg, keys, only)
	if errors.Is(err, ErrNoSuchDestination) {
		return out, ConfigError{err}
	}
	if err != nil {
		return out, err
	}
	out.Runs, err = prune.RunEach(ctx, prune.Config{Layout: Layout(cfg), Keys: keys}, dests, dry)
	if cerr := (*prune.ConfigError)(nil); errors.As(err, &cerr) {
		return out, ConfigError{err}
	}
	return out, err
}
