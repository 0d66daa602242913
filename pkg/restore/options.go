package restore

import (
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/tenancy"
)

// Mode is where a tenant restore puts the tenant.
type Mode string

// The three targets of a tenant restore.
const (
	// ModeReplace restores into the source database, replacing the tenant:
	// its rows in shared tables are deleted and its schema dropped and
	// recreated, in the same transaction that loads the backup.
	ModeReplace Mode = "replace"
	// ModeTarget restores into another database, creating what is missing;
	// shared rows are inserted only where missing.
	ModeTarget Mode = "target"
	// ModeIntoSchema restores side by side: the tenant's schema under
	// another name, and its shared-table rows in tables of that schema.
	ModeIntoSchema Mode = "into-schema"
)

// ModeOf is the one mode asked for: replace, or a target database, or a
// schema to restore into side by side; false when not exactly one is.
func ModeOf(replace bool, target, schema string) (Mode, bool) {
	switch {
	case replace && target == "" && schema == "":
		return ModeReplace, true
	case target != "" && !replace && schema == "":
		return ModeTarget, true
	case schema != "" && !replace && target == "":
		return ModeIntoSchema, true
	}
	return "", false
}

// Options configure a tenant restore.
type Options struct {
	Mode Mode
	// Schema is the new schema's name for ModeIntoSchema.
	Schema string
	// Tenancy is the tenancy configuration of the database restored into;
	// ModeReplace discovers the tenant's current rows with it.
	Tenancy tenancy.Config
}

// Validate reports every problem at once.
func (o Options) Validate() error {
	var errs []error
	switch o.Mode {
	case ModeReplace, ModeTarget:
		if o.Schema != "" {
			errs = append(errs, fmt.Errorf("restore: a schema name goes only with %s", ModeIntoSchema))
		}
	case ModeIntoSchema:
		if o.Schema == "" {
			errs = append(errs, fmt.Errorf("restore: %s needs a schema name", ModeIntoSchema))
		}
	default:
		errs = append(errs, fmt.Errorf("restore: mode %q is not %s, %s or %s", o.Mode, ModeReplace, ModeTarget, ModeIntoSchema))
	}
	if err := o.Tenancy.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
