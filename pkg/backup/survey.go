package backup

import (
	"context"
	"fmt"
	"time"
)

// Place is one destination's repository, for Survey.
type Place struct {
	Name string
	Repo Repository
	// Takes says which kinds a further destination holds copies of (for
	// Summary.Missing); the first place, the primary, holds every kind.
	Takes func(kind string) bool
}

// Surveyed is what Survey found: a row per destination, tenant and kind,
// and what it skipped.
type Surveyed struct {
	Rows []Summary
	// Refused are the manifests and verification records refused (each
	// naming its key); Failed the places that could not be listed.
	Refused, Failed []error

	now            time.Time // the ages' reference
	perDestination bool      // more than one place: each row names its own
}

// Survey sums up the backups of every place (of one tenant when tenant is
// not ""): the primary's with Summarize, each further one's with
// SummarizeCopy against the primary's, so the copies it lacks show. A
// refused manifest does not hide the others, nor a place that cannot be
// listed the other places; with one place, that is the error.
func Survey(ctx context.Context, places []Place, tenant string, now time.Time) (Surveyed, error) {
	s := Surveyed{now: now, perDestination: len(places) > 1}
	var primary []Entry
	for i, p := range places {
		var prefixes []string
		if tenant != "" {
			prefixes = append(prefixes, p.Repo.Layout.TenantPrefix(tenant))
		}
		found, err := p.Repo.List(ctx, prefixes...)
		if err != nil {
			if len(places) == 1 {
				return s, err
			}
			s.Failed = append(s.Failed, fmt.Errorf("destination %s: %w", p.Name, err))
			continue
		}
		s.Refused = append(s.Refused, found.Refused...)
		for _, e := range found.Backups {
			if e.VerificationErr != nil {
				s.Refused = append(s.Refused, e.VerificationErr)
			}
		}
		var got []Summary
		if i == 0 {
			primary = found.Backups
			got = Summarize(found.Backups, now)
		} else {
			got = SummarizeCopy(found.Backups, primary, p.Takes, now)
		}
		for j := range got {
			got[j].Destination = p.Name
		}
		s.Rows = append(s.Rows, got...)
	}
	return s, nil
}
