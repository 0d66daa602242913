package retention

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Retention periods of the design, in days.
const (
	OperationalDays  = 30   // operational copies: full and base backups
	TenantExportDays = 90   // tenant exports
	HealthDataDays   = 2555 // health data: 7 years
)

// Policy is the retention policy of a bucket.
type Policy struct {
	// Kinds holds the rules of each backup kind ("tenant", "full", "base").
	// Backups of a kind missing here are all kept.
	Kinds map[string]KindPolicy `json:"kinds"`
	// Holds are the legal holds in force.
	Holds []Hold `json:"holds,omitempty"`
}

// KindPolicy is the retention of one kind of backup.
type KindPolicy struct {
	// KeepDays keeps every backup created within this many days. At least 1.
	KeepDays int `json:"keep_days"`
	// GFS slots keep the best backup of each calendar period (UTC) beyond
	// KeepDays. A zero Slots is off.
	Daily   Slots `json:"daily,omitzero"`
	Weekly  Slots `json:"weekly,omitzero"` // ISO weeks
	Monthly Slots `json:"monthly,omitzero"`
	Yearly  Slots `json:"yearly,omitzero"`
}

// Slots keeps one backup per period for the newest Count periods that have
// a backup, and/or for the periods within WithinDays; set at least one.
// With both, a period must satisfy both.
type Slots struct {
	Count      int `json:"count,omitempty"`
	WithinDays int `json:"within_days,omitempty"`
}

func (s Slots) on() bool { return s.Count > 0 || s.WithinDays > 0 }

// Hold is a legal hold: nothing it covers is deleted while it is in
// force. An empty Tenant covers every tenant and the kinds without tenants;
// an empty Kind covers every kind. A tenant hold covers that tenant's
// exports, which hold all of its data, not the full backups shared by
// every tenant (hold kind "full" for those).
type Hold struct {
	Tenant string `json:"tenant,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason"` // e.g. the case reference
}

func (h Hold) covers(b Backup) bool {
	return (h.Kind == "" || h.Kind == b.Kind) && (h.Tenant == "" || h.Tenant == b.Tenant)
}

// DefaultPolicy is the design's policy: tenant exports 90 days; full and
// base backups are operational copies kept 30 days, and one full backup a
// week is kept for 7 years as the health-data archive.
func DefaultPolicy() Policy {
	return Policy{Kinds: map[string]KindPolicy{
		"tenant": {KeepDays: TenantExportDays},
		"full":   {KeepDays: OperationalDays, Weekly: Slots{WithinDays: HealthDataDays}},
		"base":   {KeepDays: OperationalDays},
	}}
}

// Validate reports every problem of the policy at once.
func (p Policy) Validate() error {
	var errs []error
	for _, kind := range slices.Sorted(maps.Keys(p.Kinds)) {
		k := p.Kinds[kind]
		if k.KeepDays < 1 {
			errs = append(errs, fmt.Errorf("kind %s: keep_days must be at least 1, not %d", kind, k.KeepDays))
		}
		for _, s := range k.slots() {
			if s.Count < 0 || s.WithinDays < 0 {
				errs = append(errs, fmt.Errorf("kind %s: %s slots: count and within_days must not be negative", kind, s.period))
			}
		}
	}
	for i, h := range p.Holds {
		if h.Reason == "" {
			errs = append(errs, fmt.Errorf("hold %d (tenant %q, kind %q): reason is required", i, h.Tenant, h.Kind))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("retention policy: %w", errors.Join(errs...))
	}
	return nil
}

// MaxDays is the age beyond which the kind's rules keep nothing (the newest
// verified backup and holds aside), and false when GFS counts without
// WithinDays make it unbounded.
func (k KindPolicy) MaxDays() (int, bool) {
	days := k.KeepDays
	for _, s := range k.slots() {
		if !s.on() {
			continue
		}
		if s.WithinDays == 0 {
			return 0, false
		}
		days = max(days, s.WithinDays)
	}
	return days, true
}
