package check

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// deploy/compose as issue #16 asks (make compose-check runs docker-compose
// config for the syntax): every Arca service has a healthcheck and limits;
// nothing connects in clear (no sslmode=disable, no nats:// or http:// to
// NATS, PostgreSQL or S3); the coordinator runs the PostgreSQL client image,
// holds the keyring and publishes the API on loopback only; the coordinator
// and the alerter run one replica each.
func TestComposeRunsAsIsWithTLSHealthchecksAndLimits(t *testing.T) {
	data, err := os.ReadFile("../../compose/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string            `json:"image"`
			Environment map[string]string `json:"environment"`
			Secrets     []string          `json:"secrets"`
			Ports       []string          `json:"ports"`
			Healthcheck *struct {
				Test []string `json:"test"`
			} `json:"healthcheck"`
			Deploy struct {
				Replicas  *int `json:"replicas"`
				Resources struct {
					Limits struct {
						CPUs   string `json:"cpus"`
						Memory string `json:"memory"`
					} `json:"limits"`
				} `json:"resources"`
			} `json:"deploy"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	arca := []string{"coordinator", "exporter", "encryptor", "uploader", "verifier", "alerter"}
	for _, name := range arca {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if s.Healthcheck == nil || !strings.Contains(strings.Join(s.Healthcheck.Test, " "), "arca healthcheck") {
			t.Errorf("%s: no arca healthcheck", name)
		}
		if s.Deploy.Resources.Limits.CPUs == "" || s.Deploy.Resources.Limits.Memory == "" {
			t.Errorf("%s: no cpu and memory limits", name)
		}
		for k, v := range s.Environment {
			if k == "ARCA_NATS_URL" && (!strings.HasPrefix(v, "tls://") || strings.Contains(v, "nats://")) {
				t.Errorf("%s: NATS not over TLS: %s", name, k)
			}
			if strings.HasPrefix(v, "postgres://") && !strings.Contains(v, "sslmode=verify-full") {
				t.Errorf("%s: %s not sslmode=verify-full", name, k)
			}
		}
	}
	co := c.Services["coordinator"]
	if co.Image != "arca-pg:dev" || co.Environment["ARCA_KEYRING_PASSPHRASE"] == "" || len(co.Secrets) == 0 {
		t.Errorf("coordinator: wants the arca-pg image, the keyring and its passphrase: %+v", co)
	}
	if !strings.Contains(co.Environment["ARCA_SOURCE_URL"], "arca_drill") {
		t.Error("coordinator: reads the source as arca_drill (CREATEDB for drills and API restores)")
	}
	if len(co.Ports) != 1 || !strings.HasPrefix(co.Ports[0], "127.0.0.1:") {
		t.Errorf("coordinator: the API published on the host's loopback only: %v", co.Ports)
	}
	for _, name := range []string{"coordinator", "alerter"} {
		if r := c.Services[name].Deploy.Replicas; r == nil || *r != 1 {
			t.Errorf("%s: one replica", name)
		}
	}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %s published beyond loopback", name, p)
			}
		}
	}
	conf, err := os.ReadFile("../../compose/arca.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`sslmode=disable|endpoint: http://`).Match(conf) {
		t.Error("arca.yaml connects in clear")
	}
	if regexp.MustCompile(`(?m)^\s+(base|wal_check):`).Match(conf) {
		t.Error("arca.yaml schedules base backups or the WAL check, without WAL archiving")
	}
	nats, err := os.ReadFile("../../compose/nats/common.conf")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(nats), "tls {"); n != 2 || !strings.Contains(string(nats), "verify: true") {
		t.Errorf("nats: want client TLS and mutual-TLS routes (%d tls blocks)", n)
	}
}
