package cost

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"
)

// GiB is the unit S3 bills storage in ("GB" on price lists is 2^30 bytes).
const GiB = 1 << 30

// Price is what one storage class costs.
type Price struct {
	PerGBMonth float64 `json:"per_gb_month" yaml:"per_gb_month"`
	// Source says where the figure comes from.
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
}

// Prices is the table Report prices with, by S3 storage class.
type Prices struct {
	Currency string           `json:"currency" yaml:"currency"`
	Classes  map[string]Price `json:"classes" yaml:"classes"`
}

const (
	fromPlan = "plan (backup-strategy.md cost table)"
	fromAWS  = "AWS us-east-1 list price (not in the plan's table)"
)

// DefaultPrices is the plan's cost table per GB-month: S3 Standard
// $11.50 for 500 GB, Glacier $20.00 for 5 TB, Deep Archive $50.00 for
// 50 TB. STANDARD_IA (tenant exports), GLACIER_IR (tenant exports past
// retention) and INTELLIGENT_TIERING (the plan's class for tenant exports,
// its frequent tier) are not in the table.
func DefaultPrices() Prices {
	return Prices{Currency: "USD", Classes: map[string]Price{
		"STANDARD":            {11.50 / 500, fromPlan},
		"GLACIER":             {20.00 / 5000, fromPlan},
		"DEEP_ARCHIVE":        {50.00 / 50000, fromPlan},
		"STANDARD_IA":         {0.0125, fromAWS},
		"GLACIER_IR":          {0.004, fromAWS},
		"INTELLIGENT_TIERING": {0.023, fromAWS},
	}}
}

// LoadPrices reads a price table (YAML or JSON) over the defaults: the
// classes it names replace the default's, the others stay.
func LoadPrices(path string) (Prices, error) {
	p := DefaultPrices()
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("prices %s: %w", path, err)
	}
	var file Prices
	if err := yaml.Unmarshal(b, &file); err != nil {
		return p, fmt.Errorf("prices %s: %w", path, err)
	}
	if file.Currency != "" {
		p.Currency = file.Currency
	}
	var errs []error
	for _, class := range slices.Sorted(maps.Keys(file.Classes)) {
		pr := file.Classes[class]
		if pr.PerGBMonth < 0 {
			errs = append(errs, fmt.Errorf("class %s: negative price %v", class, pr.PerGBMonth))
		}
		if pr.Source == "" {
			pr.Source = path
		}
		p.Classes[class] = pr
	}
	if err := errors.Join(errs...); err != nil {
		return p, fmt.Errorf("prices %s: %w", path, err)
	}
	return p, nil
}
