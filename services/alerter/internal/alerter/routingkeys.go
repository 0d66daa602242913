package alerter

import (
	"errors"
	"fmt"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/pagerduty"
)

// routingKeys reads each severity's routing key from the environment. An
// error names the variable, never its value.
func routingKeys(p PagerDuty, getenv func(string) string) (map[alert.Severity]pagerduty.RoutingKey, error) {
	keys := map[alert.Severity]pagerduty.RoutingKey{}
	var errs []error
	for _, s := range alert.Severities {
		name := p.RoutingKeyEnv
		if n := p.RoutingKeyEnvBySeverity[s]; n != "" {
			name = n
		}
		v := getenv(name)
		if v == "" {
			errs = append(errs, fmt.Errorf("alerting: routing key for severity %s: environment variable %s is empty", s, name))
			continue
		}
		keys[s] = pagerduty.RoutingKey(v)
	}
	return keys, errors.Join(errs...)
}
