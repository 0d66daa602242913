package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/tink-crypto/tink-go/v2/core/registry"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awskms"
	"github.com/arcabackup/arca/pkg/seal/keyring/secretsmanager"
)

// KeySource is the configured keyring: the store that holds its document
// (a passphrase-encrypted file or a Secrets Manager secret) and the options
// that open its KMS-backed versions. Every command and service loads keys
// through it.
type KeySource struct {
	Store keyring.Store
	Opts  []keyring.Option
	// KMS is the KMS key URI (aws-kms://ARN) that new default-scope
	// versions use; "" makes local versions.
	KMS string
	// Path is the file of a file: keyring, "" otherwise.
	Path string

	kmsClient registry.KMSClient
}

// KeyringSource resolves the configured keyring. A Secrets-Manager-held
// passphrase is fetched here; nothing else touches AWS until a key is used.
func KeyringSource(ctx context.Context, cfg config.Config) (*KeySource, error) {
	clients := &awsClients{cfg: cfg.Keys}
	lazy := &lazyKMS{clients: clients}
	src := &KeySource{Opts: []keyring.Option{keyring.WithKMS(lazy)}, kmsClient: lazy}
	src.KMS, _ = config.KMSKeyURI(cfg.Keys.KMS)
	if id, ok := config.SecretID(cfg.Keys.Keyring); ok {
		c, err := clients.secrets(ctx, id)
		if err != nil {
			return nil, err
		}
		src.Store = secretsmanager.Store{Client: c, SecretID: id}
		return src, nil
	}
	src.Path = cfg.KeyringPath()
	pass, err := passphrase(ctx, cfg, clients)
	if err != nil {
		return nil, err
	}
	src.Store = keyring.File{Path: src.Path, Passphrase: pass}
	if src.KMS != "" {
		// A file is the keyring's only copy: each change also stores its
		// escrow, sealed under keys.kms, in every destination, from which
		// arca keys recover --from-bucket rebuilds a lost file.
		src.Store = keyring.Escrowed{Store: src.Store, KMS: src.kms(), KMSURI: src.KMS,
			Put: func(ctx context.Context, doc []byte) error { return PutEscrow(ctx, cfg, doc) }}
	}
	return src, nil
}

// kms is the keyring's KMS client.
func (s *KeySource) kms() registry.KMSClient { return s.kmsClient }

// EscrowKey is where the keyring's escrow lives in each destination.
func EscrowKey(cfg config.Config) string { return Layout(cfg).KindPrefix("keyring") + "escrow.json" }

// PutEscrow stores the keyring's escrow in every destination.
func PutEscrow(ctx context.Context, cfg config.Config, doc []byte) error {
	set, err := Destinations(ctx, cfg)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range set {
		if _, err := d.Store.Put(ctx, EscrowKey(cfg), bytes.NewReader(doc), int64(len(doc))); err != nil {
			errs = append(errs, fmt.Errorf("destination %s: %w", d.Name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("keyring escrow %s: %w", EscrowKey(cfg), err)
	}
	return nil
}

// KMSClient is the configured keyring's KMS client (AWS KMS, reached only
// when used).
func KMSClient(cfg config.Config) registry.KMSClient {
	return &lazyKMS{clients: &awsClients{cfg: cfg.Keys}}
}

func passphrase(ctx context.Context, cfg config.Config, clients *awsClients) ([]byte, error) {
	id, ok := config.SecretID(cfg.Keys.Passphrase)
	if !ok {
		pass := os.Getenv(cfg.Keys.PassphraseEnv)
		if pass == "" {
			return nil, fmt.Errorf("keyring: the passphrase variable %s is empty", cfg.Keys.PassphraseEnv)
		}
		return []byte(pass), nil
	}
	c, err := clients.secrets(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("keyring passphrase: get secret %s: %w", id, err)
	}
	var pass []byte
	if out.SecretString != nil {
		pass = []byte(strings.TrimRight(*out.SecretString, "\r\n"))
	} else {
		pass = out.SecretBinary
	}
	if len(pass) == 0 {
		return nil, fmt.Errorf("keyring passphrase: secret %s is empty", id)
	}
	return pass, nil
}

// Load reads the keyring, and gives the key derivation's table back to the
// system (loadKeyring).
func (s *KeySource) Load(ctx context.Context) (*keyring.Keyring, error) {
	return loadKeyring(ctx, s.Store, s.Opts...)
}

// loadKeyring loads the keyring from st and returns the memory its unlock
// took to the system right away: a keyring file's scrypt table (32 MiB) is
// garbage once the key is derived, and a stage that unlocks at start and
// then waits for work (the encryptor, the verifier) would otherwise hold it
// as free heap: their idle RSS was their start-up peak (#17.3). A forced
// collection costs milliseconds, once per load (start-up and key changes).
func loadKeyring(ctx context.Context, st keyring.Store, opts ...keyring.Option) (*keyring.Keyring, error) {
	kr, err := keyring.Load(ctx, st, opts...)
	debug.FreeOSMemory()
	return kr, err
}

// Init creates the keyring with its first primary version: KMS-backed when
// keys.kms is set. It refuses to overwrite one.
func (s *KeySource) Init(ctx context.Context) (*keyring.Keyring, error) {
	if s.Path != "" {
		if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
			return nil, err
		}
	}
	if s.KMS != "" {
		return keyring.InitKMS(ctx, s.Store, s.KMS, s.Opts...)
	}
	return keyring.Init(ctx, s.Store, s.Opts...)
}

// Rotate adds a primary version to the tenant's scope: KMS-backed under
// kmsURI when given, else under keys.kms for the default scope, else local.
// A tenant gets a local key unless a KMS key is named for it, so that
// erasing the tenant destroys the material (a KMS key shared with other
// scopes could not be deleted for one tenant).
func (s *KeySource) Rotate(kr *keyring.Keyring, tenant, kmsURI string) (keyring.Info, error) {
	if kmsURI == "" && tenant == "" {
		kmsURI = s.KMS
	}
	if kmsURI != "" {
		return kr.RotateKMS(tenant, kmsURI)
	}
	return kr.Rotate(tenant)
}

// Keyring loads the keyring; with create, a missing keyring is initialised
// (arca dev on a fresh machine).
//
// Unlocking a keyring file takes 32 MiB for scrypt's table (N=65536, r=8:
// half of it kept, pkg/seal/keyring/scrypt.go) on top of what the process
// holds, and it is the peak of a command such as restore tenant (#17.3):
// the garbage of start-up is returned to the system before it, and the
// table right after, rather than when the collector and the scavenger get
// to them while the command goes on allocating.
func Keyring(ctx context.Context, cfg config.Config, create bool) (*keyring.Keyring, error) {
	src, err := KeyringSource(ctx, cfg)
	if err != nil {
		return nil, err
	}
	debug.FreeOSMemory()
	kr, err := src.Load(ctx)
	if create && errors.Is(err, keyring.ErrNotFound) {
		defer debug.FreeOSMemory()
		return src.Init(ctx)
	}
	return kr, err
}

// awsClients builds the SDK configuration once, from the default chain
// (credentials never come from the configuration file).
type awsClients struct {
	cfg  config.Keys
	once sync.Once
	aws  aws.Config
	err  error
}

func (c *awsClients) config(ctx context.Context, arn string) (aws.Config, error) {
	c.once.Do(func() {
		var opts []func(*awsconfig.LoadOptions) error
		if c.cfg.AWS.Region != "" {
			opts = append(opts, awsconfig.WithRegion(c.cfg.AWS.Region))
		}
		c.aws, c.err = awsconfig.LoadDefaultConfig(ctx, opts...)
		if c.err != nil {
			c.err = fmt.Errorf("keyring: AWS configuration: %w", c.err)
			return
		}
		if c.cfg.AWS.Endpoint != "" {
			c.aws.BaseEndpoint = aws.String(c.cfg.AWS.Endpoint)
		}
	})
	cfg := c.aws
	if cfg.Region == "" {
		cfg.Region = arnRegion(arn)
	}
	if cfg.Region == "" {
		if uri, ok := config.KMSKeyURI(c.cfg.KMS); ok {
			cfg.Region = arnRegion(strings.TrimPrefix(uri, awskms.URIPrefix))
		}
	}
	return cfg, c.err
}

func (c *awsClients) secrets(ctx context.Context, id string) (*sm.Client, error) {
	cfg, err := c.config(ctx, id)
	if err != nil {
		return nil, err
	}
	return sm.NewFromConfig(cfg), nil
}

// arnRegion is the region of an ARN (arn:aws:kms:REGION:...), "" otherwise.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// lazyKMS is the keyring's KMS client: it reaches AWS KMS only when a
// KMS-backed version is used, so a keyring of local versions never needs AWS.
type lazyKMS struct {
	clients *awsClients
	mu      sync.Mutex
	byRgn   map[string]registry.KMSClient
}

func (l *lazyKMS) Supported(uri string) bool { return strings.HasPrefix(uri, awskms.URIPrefix) }

func (l *lazyKMS) GetAEAD(uri string) (tink.AEAD, error) {
	ctx := context.Background()
	cfg, err := l.clients.config(ctx, strings.TrimPrefix(uri, awskms.URIPrefix))
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.byRgn[cfg.Region]
	if !ok {
		if c, err = awskms.NewClient(ctx, kms.NewFromConfig(cfg)); err != nil {
			return nil, err
		}
		if l.byRgn == nil {
			l.byRgn = map[string]registry.KMSClient{}
		}
		l.byRgn[cfg.Region] = c
	}
	return c.GetAEAD(uri)
}
