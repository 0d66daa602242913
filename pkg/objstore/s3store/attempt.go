package s3store

import (
	"context"
	"encoding/hex"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/middleware"

	"github.com/arcabackup/arca/pkg/objstore/throttle"
)

type attemptsKey struct{}

// attempts follows one operation across its retried attempts.
type attempts struct {
	n    int
	last error
}

// attemptMiddleware runs around every attempt (after the SDK's Retry
// middleware): it waits for the shared limiter, reports retries to the
// observer, and feeds throttles and successes back to the limiter.
func attemptMiddleware(lim *throttle.Limiter, obs Observer) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ArcaAttempts",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(context.WithValue(ctx, attemptsKey{}, &attempts{}), in)
			}), middleware.Before)
		if err != nil {
			return err
		}
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("ArcaThrottle",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				op := awsmiddleware.GetOperationName(ctx)
				if a, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
					a.n++
					if a.n > 1 {
						obs.Retry(op, a.n-1, a.last)
					}
					if err := lim.Wait(ctx); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
					out, md, err := next.HandleFinalize(ctx, in)
					a.last = err
					switch {
					case isThrottle(err):
						lim.Throttled()
						obs.Throttled(op)
					case err == nil:
						lim.Succeeded()
					}
					return out, md, err
				}
				return next.HandleFinalize(ctx, in)
			}), "Retry", middleware.After)
	}
}

// withPayloadSHA256 signs the request with a SHA-256 we already computed
// for x-amz-checksum-sha256, so the body is not hashed a second time.
func withPayloadSHA256(sum []byte) func(*middleware.Stack) error {
	hash := hex.EncodeToString(sum)
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("ArcaPayloadSHA256",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				return next.HandleFinalize(v4.SetPayloadHash(ctx, hash), in)
			}), "ComputePayloadHash", middleware.Before) // v4.ComputePayloadSHA256 or its dynamic swap
	}
}
