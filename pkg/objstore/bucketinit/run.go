package bucketinit

import (
	"context"
	"fmt"
)

// step reads one setting and writes it when it differs. It returns the
// outcome and what it found or did.
type step struct {
	name  string
	asked bool
	run   func(ctx context.Context) (Outcome, string, error)
}

// Run brings the bucket to c, setting by setting, and reports each. An
// error is returned only for a bad configuration or a bucket that cannot
// be reached or created; every setting's failure is in the Report.
func Run(ctx context.Context, api API, c Config) (Report, error) {
	if err := c.Validate(); err != nil {
		return Report{}, fmt.Errorf("bucket init: %w", err)
	}
	rep := Report{Bucket: c.Bucket}
	out, detail, err := ensureBucket(ctx, api, c)
	rep.Results = append(rep.Results, Result{Setting: SettingBucket, Outcome: out, Required: true, Detail: detail})
	if err != nil {
		return rep, fmt.Errorf("bucket init %s: %w", c.Bucket, err)
	}
	steps := []step{
		{SettingVersioning, c.Versioning, func(ctx context.Context) (Outcome, string, error) { return versioning(ctx, api, c) }},
		{SettingObjectLock, c.ObjectLock != nil, func(ctx context.Context) (Outcome, string, error) { return objectLock(ctx, api, c) }},
		{SettingLifecycle, len(c.Lifecycle) > 0, func(ctx context.Context) (Outcome, string, error) { return lifecycle(ctx, api, c) }},
		{SettingEncryption, c.Encryption != nil, func(ctx context.Context) (Outcome, string, error) { return encryption(ctx, api, c) }},
		{SettingPublicAccess, c.BlockPublicAccess, func(ctx context.Context) (Outcome, string, error) { return publicAccess(ctx, api, c) }},
	}
	for _, s := range steps {
		res := Result{Setting: s.name, Required: s.asked && !c.Optional[s.name]}
		if !s.asked {
			res.Outcome, res.Detail = Skipped, "not asked for"
			rep.Results = append(rep.Results, res)
			continue
		}
		out, detail, err := s.run(ctx)
		res.Outcome, res.Detail = out, detail
		switch {
		case err != nil && unsupported(err):
			res.Outcome, res.Detail = Unsupported, "the server does not implement it ("+describe(err)+")"
		case err != nil:
			res.Outcome, res.Detail = Failed, describe(err)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}
