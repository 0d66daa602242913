package lifecycle

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/arcabackup/arca/pkg/retention"
)

// RulePrefix starts the id of every rule Derive makes; Apply replaces the
// rules with this prefix and keeps the bucket's others.
const RulePrefix = "arca-"

// Defaults of Options.
const (
	DefaultAbortMultipartDays = 7
	DefaultMinArchiveSize     = 8 << 20 // a manifest stays far below: 10,000 parts take about 2.5 MB
	DefaultExpireMarginDays   = 7
	DefaultArchiveMarginDays  = 7
)

// DefaultArchive: tenant exports move to Glacier Instant Retrieval after
// their 90 days (only held and newest verified exports remain, and they
// restore without a thaw); full backups move to Deep Archive after their
// 30 operational days (the weekly 7-year copies remain); base backups stay
// where they are, since they anchor point-in-time recovery. Each moves
// ArchiveMarginDays after KeepDays, once prune has deleted the copies not
// kept longer, so that none pays an archive class's minimum storage time.
func DefaultArchive() map[string]string {
	return map[string]string{"tenant": "GLACIER_IR", "full": "DEEP_ARCHIVE"}
}

// Options of Derive.
type Options struct {
	// Prefix is the key prefix of the backups in the bucket: the S3
	// store's prefix and the layout's together ("" for none).
	Prefix string
	// Archive maps a kind to the storage class its artifacts move to
	// ArchiveMarginDays (0: default) after the kind's KeepDays. Nil:
	// DefaultArchive; empty: none.
	Archive           map[string]string
	ArchiveMarginDays int
	// MinArchiveSize: only objects larger than this move (manifests and
	// verified.json stay readable). 0: DefaultMinArchiveSize.
	MinArchiveSize int64
	// AbortMultipartDays (0: DefaultAbortMultipartDays).
	AbortMultipartDays int
	// Expire adds expiration rules, ExpireMarginDays (0: default) after
	// the kind's longest retention, as a backstop should prune stop
	// running. They ignore the newest-verified rule: an idle tenant's last
	// backup expires too.
	Expire           bool
	ExpireMarginDays int
}

// Derive makes the lifecycle rules of the policy, in a stable order, and
// notes what it left out and why.
func Derive(p retention.Policy, o Options) (Configuration, []string) {
	o = o.withDefaults()
	root := o.Prefix
	if root = strings.Trim(root, "/"); root != "" {
		root += "/"
	}
	c := Configuration{Rules: []Rule{{
		ID: RulePrefix + "abort-incomplete-uploads", Filter: Filter{Prefix: root}, Status: "Enabled",
		AbortIncompleteMultipartUpload: &AbortIncompleteMultipartUpload{DaysAfterInitiation: o.AbortMultipartDays},
	}}}
	var notes []string
	for _, kind := range slices.Sorted(maps.Keys(p.Kinds)) {
		k := p.Kinds[kind]
		prefix := root + folder(kind) + "/"
		expire, note := expireDays(p, kind, o)
		if note != "" {
			notes = append(notes, note)
		}
		if class := o.Archive[kind]; class != "" {
			days := transitionDays(k.KeepDays+o.ArchiveMarginDays, class)
			if expire == 0 || days < expire {
				c.Rules = append(c.Rules, Rule{
					ID: RulePrefix + kind + "-archive", Status: "Enabled",
					Filter:      Filter{And: &And{Prefix: prefix, ObjectSizeGreaterThan: o.MinArchiveSize}},
					Transitions: []Transition{{Days: days, StorageClass: class}},
				})
			} else {
				notes = append(notes, fmt.Sprintf("no %s archive for kind %s: it expires first", class, kind))
			}
		}
		if expire > 0 {
			c.Rules = append(c.Rules, Rule{
				ID: RulePrefix + kind + "-expire", Filter: Filter{Prefix: prefix}, Status: "Enabled",
				Expiration:                  &Expiration{Days: expire},
				NoncurrentVersionExpiration: &NoncurrentVersionExpiration{NoncurrentDays: 1},
			})
		}
	}
	return c, notes
}

func (o Options) withDefaults() Options {
	if o.Archive == nil {
		o.Archive = DefaultArchive()
	}
	if o.MinArchiveSize == 0 {
		o.MinArchiveSize = DefaultMinArchiveSize
	}
	if o.AbortMultipartDays == 0 {
		o.AbortMultipartDays = DefaultAbortMultipartDays
	}
	if o.ArchiveMarginDays == 0 {
		o.ArchiveMarginDays = DefaultArchiveMarginDays
	}
	if o.ExpireMarginDays == 0 {
		o.ExpireMarginDays = DefaultExpireMarginDays
	}
	return o
}

// expireDays is when a kind's objects may expire, 0 for never, with a note
// saying why or warning what it means.
func expireDays(p retention.Policy, kind string, o Options) (int, string) {
	if !o.Expire {
		return 0, ""
	}
	days, bounded := p.Kinds[kind].MaxDays()
	switch {
	case !bounded:
		return 0, fmt.Sprintf("no expiration for kind %s: GFS counts without within_days keep backups for ever", kind)
	case slices.ContainsFunc(p.Holds, func(h retention.Hold) bool { return holds(h, kind) }):
		return 0, fmt.Sprintf("no expiration for kind %s: a legal hold covers it", kind)
	}
	days += o.ExpireMarginDays
	return days, fmt.Sprintf("kind %s expires after %d days, the newest verified backup included", kind, days)
}

// holds reports whether h may cover backups of kind; only tenant exports
// have tenants.
func holds(h retention.Hold, kind string) bool {
	return (h.Kind == "" || h.Kind == kind) && (h.Tenant == "" || kind == "tenant")
}

// folder is where a kind's backups live (backup.Layout).
func folder(kind string) string {
	if kind == "tenant" {
		return "tenants"
	}
	return kind
}

// transitionDays honours S3's 30-day minimum before the infrequent-access
// classes.
func transitionDays(days int, class string) int {
	if class == "STANDARD_IA" || class == "ONEZONE_IA" {
		return max(days, 30)
	}
	return days
}
