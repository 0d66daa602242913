package drill

import (
	"errors"
	"math/rand/v2"
	"net/url"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// SmokeQuery is a query run in each scratch database after the restore, with
// the tenant bound (current_setting('arca.tenant_id')). It passes when it
// runs and returns at least one row.
type SmokeQuery struct {
	Name string `yaml:"name" json:"name"`
	SQL  string `yaml:"sql" json:"sql"`
}

// Config is what a drill needs.
type Config struct {
	// AdminURL connects to the cluster that hosts the scratch databases
	// (a URL, e.g. postgres://arca@host/postgres); the role needs
	// CREATEDB.
	AdminURL string
	// Tenants to draw from; Sample picks that many at random (0: all).
	Tenants []string
	Sample  int
	Keys    seal.KeyLookup
	Tenancy tenancy.Config
	Smoke   []SmokeQuery
	// Rand picks the sample (nil: a random seed).
	Rand *rand.Rand
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.AdminURL); err != nil || u.Scheme == "" {
		errs = append(errs, errors.New("drill: admin_url must be a postgres:// URL"))
	}
	if len(c.Tenants) == 0 {
		errs = append(errs, errors.New("drill: no tenants to draw from"))
	}
	if c.Sample < 0 {
		errs = append(errs, errors.New("drill: sample must not be negative"))
	}
	if c.Keys == nil {
		errs = append(errs, errors.New("drill: a keyring is required"))
	}
	for _, q := range c.Smoke {
		if q.Name == "" || q.SQL == "" {
			errs = append(errs, errors.New("drill: every smoke query needs a name and SQL"))
		}
	}
	return errors.Join(errs...)
}

// sample picks the tenants of this drill.
func (c Config) sample() []string {
	ts := append([]string(nil), c.Tenants...)
	if c.Sample == 0 || c.Sample >= len(ts) {
		return ts
	}
	r := c.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	r.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	return ts[:c.Sample]
}
