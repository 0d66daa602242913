package check

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The official chart (nats-io/k8s, chart "nats" 1.x) cannot be fetched
// here: no Helm repository is reachable, and it is not a Go module, so
// `helm template` cannot render it (the Helm SDK from the Go module proxy
// would need the chart's files). The values are validated another way, in
// three parts: their keys are the chart's; what the chart merges or
// patches into Kubernetes objects decodes strictly into those objects; and
// the NATS configuration the chart builds from them loads in the
// nats-server Arca runs (its own configuration parser), with the generated
// accounts.conf included.

// natsChartKeys are the value paths of chart nats 1.x (its values.yaml and
// README, "Values") that the values may set. Under a `merge` or `patch`
// key anything goes: the chart merges it into, or JSON-patches, the
// object named by the path (checked by the other tests below).
var natsChartKeys = []string{
	"fullnameOverride", "nameOverride", "namespaceOverride",
	"global.image.pullPolicy", "global.image.pullSecretNames", "global.image.registry", "global.labels",
	"tlsCA.enabled", "tlsCA.configMapName", "tlsCA.secretName", "tlsCA.dir", "tlsCA.key",
	"config.cluster.enabled", "config.cluster.port", "config.cluster.replicas", "config.cluster.name", "config.cluster.noAdvertise",
	"config.cluster.routeURLs.user", "config.cluster.routeURLs.password", "config.cluster.routeURLs.useFQDN", "config.cluster.routeURLs.k8sClusterDomain",
	"config.cluster.tls.enabled", "config.cluster.tls.secretName", "config.cluster.tls.dir", "config.cluster.tls.cert", "config.cluster.tls.key",
	"config.nats.port", "config.nats.tls.enabled", "config.nats.tls.secretName", "config.nats.tls.dir", "config.nats.tls.cert", "config.nats.tls.key",
	"config.jetstream.enabled", "config.jetstream.fileStore.enabled", "config.jetstream.fileStore.dir", "config.jetstream.fileStore.maxSize",
	"config.jetstream.fileStore.pvc.enabled", "config.jetstream.fileStore.pvc.size", "config.jetstream.fileStore.pvc.storageClassName", "config.jetstream.fileStore.pvc.name",
	"config.jetstream.memoryStore.enabled", "config.jetstream.memoryStore.maxSize",
	"config.monitor.enabled", "config.monitor.port", "config.profiling.enabled", "config.profiling.port",
	"container.image.repository", "container.image.tag", "container.env",
	"reloader.enabled", "promExporter.enabled", "promExporter.port",
	"podTemplate.configChecksumAnnotation", "podTemplate.topologySpreadConstraints",
	"service.enabled", "statefulSet.enabled",
	"podDisruptionBudget.enabled", "natsBox.enabled", "serviceAccount.enabled",
}

type natsValues map[string]any

func readNATSValues(t *testing.T) natsValues {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "nats", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v natsValues
	if err := yaml.UnmarshalStrict(data, &v); err != nil {
		t.Fatalf("nats/values.yaml: %v", err)
	}
	return v
}

// get walks a dotted path of maps.
func (v natsValues) get(path string) any {
	var cur any = map[string]any(v)
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// Every key the values set is one the chart reads: a misspelt or 0.x key
// (fileStorage, natsbox) would be ignored silently by helm.
func TestNATSValuesUseOnlyTheChartsKeys(t *testing.T) {
	v := readNATSValues(t)
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, val := range m {
			path := strings.TrimPrefix(prefix+"."+k, ".")
			if k == "merge" || k == "patch" {
				continue
			}
			if slices.Contains(natsChartKeys, path) {
				continue
			}
			sub, ok := val.(map[string]any)
			if !ok {
				t.Errorf("nats/values.yaml: %s is not a value of chart nats 1.x", path)
				continue
			}
			walk(path, sub)
		}
	}
	walk("", v)
	// A misspelling is caught: the check itself can fail.
	bad := natsValues{"config": map[string]any{"jetstream": map[string]any{"fileStorage": map[string]any{"enabled": true}}}}
	if slices.Contains(natsChartKeys, "config.jetstream.fileStorage.enabled") || bad.get("config.jetstream.fileStorage.enabled") != true {
		t.Fatal("the key check would not catch a 0.x key")
	}
}

// What the values merge into the NATS container, patch into it and into
// the pod, and the spread constraints, decode strictly into the k8s.io/api
// types the chart builds.
func TestNATSValuesMergeAndPatchDecodeStrictly(t *testing.T) {
	v := readNATSValues(t)
	strict := func(what string, from any, into any) {
		t.Helper()
		b, err := json.Marshal(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.UnmarshalStrict(b, into); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	var c corev1.Container
	strict("container.merge", v.get("container.merge"), &c)
	if c.Resources.Limits.Memory().IsZero() || c.Resources.Limits.Cpu().IsZero() || len(c.EnvFrom) == 0 {
		t.Errorf("container.merge: want limits and the secrets in the environment, got %+v", c)
	}
	// JSON patches: each op's value must be the type at its path.
	targets := map[string]any{
		"container.patch:/volumeMounts/-":   &corev1.VolumeMount{},
		"podTemplate.patch:/spec/volumes/-": &corev1.Volume{},
	}
	for _, list := range []string{"container.patch", "podTemplate.patch"} {
		ops, _ := v.get(list).([]any)
		if len(ops) == 0 {
			t.Errorf("%s: no patch", list)
		}
		for _, o := range ops {
			var op struct {
				Op    string `json:"op"`
				Path  string `json:"path"`
				Value any    `json:"value"`
			}
			strict(list, o, &op)
			into, ok := targets[list+":"+op.Path]
			if !ok || op.Op != "add" {
				t.Errorf("%s: op %s %s is not one this check knows the type of", list, op.Op, op.Path)
				continue
			}
			strict(list+" "+op.Path, op.Value, into)
		}
	}
	// The mount and the volume name each other, at the path the
	// configuration's include reads.
	mounts, _ := v.get("container.patch").([]any)
	if len(mounts) > 0 {
		m := mounts[0].(map[string]any)["value"].(map[string]any)
		if m["mountPath"] != "/etc/nats-config/accounts" || m["name"] != "accounts" {
			t.Errorf("accounts mount %v", m)
		}
	}
	spread, _ := v.get("podTemplate.topologySpreadConstraints").(map[string]any)
	if len(spread) == 0 {
		t.Error("podTemplate.topologySpreadConstraints: none")
	}
	for key, val := range spread {
		m, _ := val.(map[string]any)
		m["topologyKey"] = key // the chart's map key
		m["labelSelector"] = map[string]any{"matchLabels": map[string]any{"app": "nats"}}
		var tsc corev1.TopologySpreadConstraint
		strict("topologySpreadConstraints."+key, m, &tsc)
	}
}

// natsConf renders the NATS configuration the chart builds from the
// values (its files/config templates): client port and TLS from
// config.nats.tls (CA from tlsCA), a cluster of config.cluster.replicas
// routes with TLS and its merge, JetStream's file store with its merge, and
// config.merge at the top, where the chart's `$include` is an include and
// `<< X >>` is X unquoted (a variable). Certificate paths are the test's.
func natsConf(t *testing.T, v natsValues, certs map[string]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("port: 4222\nhttp_port: 8222\n")
	if v.get("config.nats.tls.enabled") == true {
		fmt.Fprintf(&b, "tls {\n  cert_file: %q\n  key_file: %q\n", certs["cert"], certs["key"])
		if v.get("tlsCA.enabled") == true {
			fmt.Fprintf(&b, "  ca_file: %q\n", certs["ca"])
		}
		b.WriteString("}\n")
	}
	if v.get("config.cluster.enabled") == true {
		n, _ := v.get("config.cluster.replicas").(float64)
		b.WriteString("cluster {\n  name: nats\n  port: 6222\n  no_advertise: true\n  routes: [\n")
		for i := 0; i < int(n); i++ {
			fmt.Fprintf(&b, "    nats://nats-%d.nats-headless:6222\n", i)
		}
		b.WriteString("  ]\n")
		if v.get("config.cluster.tls.enabled") == true {
			fmt.Fprintf(&b, "  tls {\n    cert_file: %q\n    key_file: %q\n    ca_file: %q\n", certs["cert"], certs["key"], certs["ca"])
			writeMerge(&b, v.get("config.cluster.tls.merge"), "    ")
			b.WriteString("  }\n")
		}
		b.WriteString("}\n")
	}
	if v.get("config.jetstream.enabled") == true {
		b.WriteString("jetstream {\n  store_dir: /data/jetstream\n")
		writeMerge(&b, v.get("config.jetstream.merge"), "  ")
		b.WriteString("}\n")
	}
	writeMerge(&b, v.get("config.merge"), "")
	return b.String()
}

var chartRaw = regexp.MustCompile(`^<<\s*(.*?)\s*>>$`)

func writeMerge(b *strings.Builder, m any, indent string) {
	mm, _ := m.(map[string]any)
	keys := make([]string, 0, len(mm))
	for k := range mm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := mm[k]
		if k == "$include" {
			fmt.Fprintf(b, "%sinclude %s\n", indent, val)
			continue
		}
		switch x := val.(type) {
		case string:
			if r := chartRaw.FindStringSubmatch(x); r != nil {
				fmt.Fprintf(b, "%s%s: %s\n", indent, k, r[1])
			} else {
				fmt.Fprintf(b, "%s%s: %q\n", indent, k, x)
			}
		case map[string]any:
			fmt.Fprintf(b, "%s%s {\n", indent, k)
			writeMerge(b, x, indent+"  ")
			fmt.Fprintf(b, "%s}\n", indent)
		default:
			fmt.Fprintf(b, "%s%s: %v\n", indent, k, x)
		}
	}
}

// The configuration the chart builds from the values loads in nats-server
// (the version Arca embeds), with deploy/compose's generated accounts.conf
// mounted where the values' include reads it and the secrets in the
// environment as the values' envFrom puts them: a 3-node cluster over
// mutual TLS, clients over TLS, JetStream fsyncing every write and
// encrypting at rest, every Arca user present.
func TestNATSConfigFromTheValuesLoadsInNATSServer(t *testing.T) {
	v := readNATSValues(t)
	tmp := t.TempDir()
	certs := writeTestCerts(t, tmp)
	if err := os.MkdirAll(filepath.Join(tmp, "accounts"), 0o755); err != nil {
		t.Fatal(err)
	}
	accounts, err := os.ReadFile(filepath.Join(dir, "..", "compose", "nats", "accounts.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "accounts", "accounts.conf"), accounts, 0o600); err != nil {
		t.Fatal(err)
	}
	users := regexp.MustCompile(`\$(NATS_[A-Z_]+_PASSWORD)`).FindAllStringSubmatch(string(accounts), -1)
	if len(users) < 8 {
		t.Fatalf("accounts.conf: %d users", len(users))
	}
	for _, u := range users {
		t.Setenv(u[1], "test-"+strings.ToLower(u[1]))
	}
	t.Setenv("NATS_JS_KEY", "a-test-key-of-the-right-length-00")
	conf := natsConf(t, v, certs)
	path := filepath.Join(tmp, "nats.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("nats-server refuses the configuration the values make: %v\n%s", err, conf)
	}
	switch {
	case !opts.JetStream || !opts.SyncAlways:
		t.Errorf("want JetStream with sync_interval always, got jetstream %t sync always %t", opts.JetStream, opts.SyncAlways)
	case opts.JetStreamCipher != server.AES || opts.JetStreamKey != "a-test-key-of-the-right-length-00":
		t.Errorf("want JetStream encrypted at rest with NATS_JS_KEY, got cipher %v", opts.JetStreamCipher)
	case opts.TLSConfig == nil:
		t.Error("clients in clear")
	case opts.Cluster.TLSConfig == nil || opts.Cluster.TLSConfig.ClientAuth != tls.RequireAndVerifyClientCert:
		t.Error("routes without mutual TLS")
	case len(opts.Routes) != 3:
		t.Errorf("%d routes, want 3", len(opts.Routes))
	case opts.JetStreamMaxStore != 20<<30: // nats-server units are binary
		t.Errorf("max_file_store %d", opts.JetStreamMaxStore)
	}
	names := map[string]bool{}
	for _, u := range opts.Users {
		names[u.Username] = true
	}
	for _, want := range []string{"admin", "operator", "exporter", "encryptor", "uploader", "verifier", "coordinator", "alerter"} {
		if !names[want] {
			t.Errorf("user %s missing from the configuration", want)
		}
	}
}

func writeTestCerts(t *testing.T, tmp string) map[string]string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nats.arca.svc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, DNSNames: []string{"nats.arca.svc"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"cert": filepath.Join(tmp, "tls.crt"), "key": filepath.Join(tmp, "tls.key"), "ca": filepath.Join(tmp, "ca.crt")}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for name, b := range map[string][]byte{"cert": certPEM, "ca": certPEM, "key": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})} {
		if err := os.WriteFile(out[name], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
