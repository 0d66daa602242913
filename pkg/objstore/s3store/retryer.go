package s3store

import (
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// newRetryer is the SDK's adaptive retryer with Arca's limits: more
// attempts than the default 3 (a backup part is worth waiting for), 429
// retryable and counted as a throttle, and no client-side retry quota (the
// shared throttle.Limiter does that job across the process).
func newRetryer(cfg Config) aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.Throttles = append(o.Throttles, retry.IsErrorThrottleFunc(func(err error) aws.Ternary {
			return aws.BoolTernary(isThrottle(err))
		}))
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = cfg.MaxAttempts
			so.MaxBackoff = cfg.MaxBackoff
			so.RateLimiter = ratelimit.None
			so.Retryables = append(so.Retryables, retry.RetryableHTTPStatusCode{
				Codes: map[int]struct{}{http.StatusTooManyRequests: {}},
			})
		})
	})
}

// isThrottle: the server asks us to slow down (503 SlowDown, 429).
func isThrottle(err error) bool {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	switch re.HTTPStatusCode() {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return true
	}
	return false
}
