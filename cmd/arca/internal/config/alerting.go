package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
)

// DefaultRunbookBaseURL is where the runbooks of this repository are read.
const DefaultRunbookBaseURL = "https://github.com/arcabackup/arca/blob/main/docs/runbooks/"

var (
	envName       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	looksLikeAKey = regexp.MustCompile(`^[0-9a-fA-F]{32}$`) // a PagerDuty integration key
	severities    = []string{"critical", "high", "warning"}
	kinds         = []string{"tenant", "full", "base"}
)

// problems are the alerting section's configuration errors.
func (a Alerting) problems() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	checkEnv := func(field, name string) {
		switch {
		case looksLikeAKey.MatchString(name):
			bad("%s: the value looks like a routing key itself; name the environment variable that holds it", field)
		case !envName.MatchString(name):
			bad("%s %q is not an environment variable name", field, name)
		}
	}
	checkEnv("alerting.pagerduty.routing_key_env", a.PagerDuty.RoutingKeyEnv)
	for _, s := range sortedKeys(a.PagerDuty.RoutingKeyEnvBySeverity) {
		if !slices.Contains(severities, s) {
			bad("alerting.pagerduty.routing_key_env_by_severity: %q is not one of critical, high, warning", s)
			continue
		}
		checkEnv("alerting.pagerduty.routing_key_env_by_severity."+s, a.PagerDuty.RoutingKeyEnvBySeverity[s])
	}
	if u, err := url.Parse(a.RunbookBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("alerting.runbook_base_url %q: want a full http(s) URL, such as %s", a.RunbookBaseURL, DefaultRunbookBaseURL)
	}
	for _, k := range sortedKeys(a.StaleAfter) {
		if !slices.Contains(kinds, k) {
			bad("alerting.stale_after: %q is not one of tenant, full, base", k)
		} else if a.StaleAfter[k] < 0 {
			bad("alerting.stale_after.%s is negative", k)
		}
	}
	if a.DrillOverdueAfter < 0 {
		bad("alerting.drill_overdue_after is negative")
	}
	if a.StormThreshold < 0 {
		bad("alerting.storm_threshold %d is negative", a.StormThreshold)
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
