package s3store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Store is an objstore.Store on one bucket (and prefix).
type Store struct {
	cfg    Config
	client *s3.Client
}

var _ objstore.Store = (*Store)(nil)

// New builds the S3 client. It does not contact the server.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("s3 store config: %w", err)
	}
	cfg.defaults()
	loaders := []func(*config.LoadOptions) error{
		config.WithRegion(cfg.Region),
		config.WithRetryer(func() aws.Retryer { return newRetryer(cfg) }),
	}
	if cfg.AccessKey != "" {
		loaders = append(loaders, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken)))
	}
	if cfg.HTTPClient != nil {
		loaders = append(loaders, config.WithHTTPClient(cfg.HTTPClient))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return nil, fmt.Errorf("s3 store config: %w", err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.PathStyle
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		// We send our own SHA-256 on every body; no CRC32 on top.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
		o.DisableLogOutputChecksumValidationSkipped = true // multipart objects: composite checksum, checked by Stat
		o.APIOptions = append(o.APIOptions, attemptMiddleware(cfg.Limiter, cfg.Observer))
		o.APIOptions = append(o.APIOptions, tracing(cfg.Tracer))
	})
	return &Store{cfg: cfg, client: client}, nil
}

// Client is the underlying SDK client, for bucket set-up and tests.
func (s *Store) Client() *s3.Client { return s.client }

// Config is the store's configuration, defaults applied.
func (s *Store) Config() Config { return s.cfg }

func (s *Store) objectKey(key string) string {
	if s.cfg.Prefix == "" {
		return key
	}
	return s.cfg.Prefix + "/" + key
}

func (s *Store) storeKey(objectKey string) string {
	if s.cfg.Prefix == "" {
		return objectKey
	}
	return strings.TrimPrefix(objectKey, s.cfg.Prefix+"/")
}

func (s *Store) listPrefix(prefix string) string {
	if s.cfg.Prefix == "" {
		return prefix
	}
	return s.cfg.Prefix + "/" + prefix
}
