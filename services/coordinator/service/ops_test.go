package service

import (
	"context"
	"errors"
	"time"
)

// testOps stands in for the bucket and the tasks where a test is about
// the coordinator's own behaviour (recording, progress, the console), not
// the restore itself: cmd/arca's console test runs the real ones.
type testOps struct {
	restoreFn       func(context.Context, RestoreJob) error
	planFn          func(context.Context, RestoreJob) (RestorePlan, error)
	drillFn         func(context.Context, RunInfo) error
	retentionPlanFn func(context.Context) ([]RetentionDecision, error)
	keysFn          func(context.Context) ([]KeyVersion, error)
	coverFn         func(context.Context, time.Time) (string, error) // nil: every moment is covered
}

func (o testOps) coverTenantRestore(ctx context.Context, at time.Time) (string, error) {
	if o.coverFn == nil {
		return "", nil
	}
	return o.coverFn(ctx, at)
}

var errNotInTest = errors.New("not wired in this test")

func (o testOps) restore(ctx context.Context, r RestoreJob) error {
	if o.restoreFn == nil {
		return errNotInTest
	}
	return o.restoreFn(ctx, r)
}

func (o testOps) planRestore(ctx context.Context, r RestoreJob) (RestorePlan, error) {
	if o.planFn == nil {
		return RestorePlan{}, errNotInTest
	}
	return o.planFn(ctx, r)
}

func (o testOps) drill(ctx context.Context, run RunInfo) error { return o.drillFn(ctx, run) }

func (o testOps) retention(context.Context, RunInfo) error { return errNotInTest }

func (o testOps) retentionPlan(ctx context.Context) ([]RetentionDecision, error) {
	if o.retentionPlanFn == nil {
		return nil, errNotInTest
	}
	return o.retentionPlanFn(ctx)
}

func (o testOps) keyVersions(ctx context.Context) ([]KeyVersion, error) {
	if o.keysFn == nil {
		return nil, errNotInTest
	}
	return o.keysFn(ctx)
}

func (o testOps) base(context.Context, RunInfo) error     { return errNotInTest }
func (o testOps) walCheck(context.Context, RunInfo) error { return errNotInTest }
func (o testOps) tasksWired() bool                        { return o.drillFn != nil }
