package stack_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
)

// promQL is every expression the dashboard and the alert rules evaluate.
func promQL(t *testing.T) map[string]string {
	t.Helper()
	exprs := map[string]string{}
	raw, err := os.ReadFile("../../../../deploy/grafana/dashboards/arca.json")
	require.NoError(t, err)
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(raw, &dash))
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs["dashboard panel "+p.Title] = tg.Expr
		}
	}
	raw, err = os.ReadFile("../../../../deploy/prometheus/rules.yml")
	require.NoError(t, err)
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &rules))
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert] = r.Expr
		}
	}
	require.Greater(t, len(exprs), 20)
	return exprs
}

var (
	arcaMetric = regexp.MustCompile(`\barca_[a-z0-9_]+`)
	// label names in matchers ({kind="tenant"}) and groupings (by (stage, le)).
	matchers = regexp.MustCompile(`(arca_[a-z0-9_]+)\{([^}]*)\}`)
	matcher  = regexp.MustCompile(`([a-z_]+)\s*(=~|!~|!=|=)`)
	grouping = regexp.MustCompile(`\bby\s*\(([^)]*)\)`)
)

// After one tenant backup, the process's /metrics has every series the
// Grafana dashboard and the Prometheus alert rules read, with every label
// they match or group on: no panel is empty because a metric is declared
// but never emitted, and no alert watches a series that never exists.
func TestMetricsAfterABackupHaveEverySeriesOfTheDashboardAndRules(t *testing.T) {
	ctx := t.Context()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Setenv("ARCA_METRICS_ADDR", "127.0.0.1:0")
	obs, err := stack.Observe(ctx, append(append([]string(nil), stack.StageServices...), "coordinator"), quiet)
	require.NoError(t, err)
	t.Cleanup(func() { _ = obs.Shutdown(t.Context()) })
	require.NoError(t, err)
	p := startPipeline(t, obs)
	require.NoError(t, obs.WatchEvents(ctx, p.js))
	p.backup(t, "acme")
	// No drill runs here: the drill timestamp is fed by the drill's event,
	// published as `arca drill` publishes it (stack.Drill).
	require.NoError(t, jobs.NewPublisher(p.js).Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant,
		Run: "drill-test", Stage: messages.StageDrill, Status: messages.StatusSucceeded}))

	families := map[string]*dto.MetricFamily{} // by name
	var labels map[string]map[string]bool      // metric -> label names seen
	var missing []string
	check := func() {
		resp, err := http.Get("http://" + obs.MetricsAddr() + "/metrics")
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		parser := expfmt.NewTextParser(model.UTF8Validation)
		parsed, err := parser.TextToMetricFamilies(resp.Body)
		require.NoError(t, err)
		labels = map[string]map[string]bool{}
		for name, f := range parsed {
			families[name] = f
			names := map[string]bool{}
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					names[l.GetName()] = true
				}
			}
			if f.GetType().String() == "HISTOGRAM" {
				names["le"] = true
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					labels[name+suffix] = names
				}
			}
			labels[name] = names
		}
		missing = missing[:0]
		for where, expr := range promQL(t) {
			groups := grouping.FindAllStringSubmatch(expr, -1)
			for _, name := range arcaMetric.FindAllString(expr, -1) {
				have, ok := labels[name]
				if !ok {
					missing = append(missing, where+": metric "+name)
					continue
				}
				for _, m := range matchers.FindAllStringSubmatch(expr, -1) {
					if m[1] != name {
						continue
					}
					for _, l := range matcher.FindAllStringSubmatch(m[2], -1) {
						if !have[l[1]] {
							missing = append(missing, where+": label "+l[1]+" of "+name)
						}
					}
				}
				// A grouping names labels of the metric it aggregates;
				// every expression here aggregates one metric.
				if len(arcaMetric.FindAllString(expr, -1)) == 1 {
					for _, g := range groups {
						for _, l := range strings.Split(g[1], ",") {
							if l = strings.TrimSpace(l); l != "" && !have[l] {
								missing = append(missing, where+": label "+l+" of "+name)
							}
						}
					}
				}
			}
		}
		slices.Sort(missing)
		missing = slices.Compact(missing)
	}
	// The drill event and the queue gauges arrive asynchronously.
	if !assert.Eventually(t, func() bool { check(); return len(missing) == 0 }, 30*time.Second, 100*time.Millisecond) {
		t.Fatalf("the dashboard or the rules use what /metrics lacks:\n%s", strings.Join(missing, "\n"))
	}

	// The stages' own throughput is there with real values.
	value := func(name string, want map[string]string) float64 {
		for _, m := range families[name].GetMetric() {
			ok := true
			for _, l := range m.GetLabel() {
				if v, in := want[l.GetName()]; in && v != l.GetValue() {
					ok = false
				}
			}
			if ok {
				return m.GetCounter().GetValue()
			}
		}
		return 0
	}
	for _, stage := range []string{messages.StageExport, messages.StageEncrypt, messages.StageUpload} {
		require.Positive(t, value("arca_parts_total", map[string]string{"stage": stage}), stage)
		require.Positive(t, value("arca_stage_bytes_total", map[string]string{"stage": stage, "direction": "out"}), stage)
	}
	for _, stage := range []string{messages.StageEncrypt, messages.StageUpload, messages.StageVerify} {
		require.Positive(t, value("arca_stage_bytes_total", map[string]string{"stage": stage, "direction": "in"}), stage)
	}
}

// Every alert rule links its runbook by a full URL under the default
// runbook base (alerting.runbook_base_url), and the runbook exists.
func TestAlertRulesLinkRunbooksByFullURL(t *testing.T) {
	raw, err := os.ReadFile("../../../../deploy/prometheus/rules.yml")
	require.NoError(t, err)
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &rules))
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			u, ok := r.Annotations["runbook_url"]
			if !ok {
				continue
			}
			n++
			page, ok := strings.CutPrefix(u, config.DefaultRunbookBaseURL)
			require.True(t, ok, "%s: runbook_url %q is not under %s", r.Alert, u, config.DefaultRunbookBaseURL)
			_, err := os.Stat("../../../../docs/runbooks/" + page)
			require.NoError(t, err, "%s: runbook %s", r.Alert, page)
		}
	}
	require.Greater(t, n, 5)
}
