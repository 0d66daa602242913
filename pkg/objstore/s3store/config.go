package s3store

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/throttle"
)

// Config says where the bucket is and how to talk to it.
type Config struct {
	Endpoint  string // "" for AWS; e.g. http://127.0.0.1:7070
	Region    string // required
	Bucket    string // required
	Prefix    string // prepended to every key, e.g. "prod" → "prod/<key>"
	PathStyle bool   // path-style (endpoint/bucket/key) instead of virtual-host

	// Static credentials; when AccessKey is empty the SDK's default chain
	// (environment, shared files, web identity, instance role) applies.
	AccessKey, SecretKey, SessionToken string

	MaxAttempts int           // per request, first try included (10)
	MaxBackoff  time.Duration // longest wait between attempts (20s)

	// Limiter is the process-wide rate limit; give every store of the
	// process the same one. Nil: a new Limiter for this store alone.
	Limiter  *throttle.Limiter
	Observer Observer // nil: none
	// Tracer gets a span per S3 call (tracing.go), a child of the caller's
	// span; nil: the global provider.
	Tracer trace.TracerProvider

	PartSize     int64 // Put's part size when the size is unknown (objstore.DefaultPartSize)
	ListPageSize int32 // keys per List request (1000)

	HTTPClient *http.Client // nil: the SDK's
}

func (c *Config) validate() error {
	var errs []error
	if c.Region == "" {
		errs = append(errs, errors.New("region is required"))
	}
	if c.Bucket == "" {
		errs = append(errs, errors.New("bucket is required"))
	}
	if c.AccessKey != "" && c.SecretKey == "" {
		errs = append(errs, errors.New("secret key is required with an access key"))
	}
	if c.PartSize != 0 && (c.PartSize < objstore.MinPartSize || c.PartSize > objstore.MaxPartSize) {
		errs = append(errs, fmt.Errorf("part size %d outside %d..%d", c.PartSize, objstore.MinPartSize, objstore.MaxPartSize))
	}
	if strings.HasPrefix(c.Prefix, "/") {
		errs = append(errs, fmt.Errorf("prefix %q must not begin with /", c.Prefix))
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 20 * time.Second
	}
	if c.Limiter == nil {
		c.Limiter = throttle.New(throttle.Config{})
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.PartSize == 0 {
		c.PartSize = objstore.DefaultPartSize
	}
	if c.ListPageSize <= 0 {
		c.ListPageSize = 1000
	}
	c.Prefix = strings.TrimSuffix(c.Prefix, "/")
}
