// Package check validates deploy/kubernetes without a cluster, kubeconform
// or its schemas (none reachable offline): every manifest is decoded
// strictly (unknown or duplicate fields are errors) into the typed objects
// of k8s.io/api, then checked for what Arca's deployment promises.
// Run by `make k8s-check` (CI: .ci/run).
package check

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

const dir = ".."

type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
	} `json:"images"`
}

type object struct {
	file string
	kind string
	obj  any
}

func newObject(apiVersion, kind string) any {
	switch apiVersion + "/" + kind {
	case "v1/Namespace":
		return &corev1.Namespace{}
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}
	case "v1/Service":
		return &corev1.Service{}
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}
	case "networking.k8s.io/v1/NetworkPolicy":
		return &networkingv1.NetworkPolicy{}
	}
	return nil
}

func load(t *testing.T) (kustomization, []object) {
	t.Helper()
	var k kustomization
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	var objs []object
	for _, f := range k.Resources {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("kustomization.yaml lists %s: %v", f, err)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s document %d: %v", f, i, err)
			}
			obj := newObject(meta.APIVersion, meta.Kind)
			if obj == nil {
				t.Fatalf("%s document %d: %s %s is not a kind this check knows", f, i, meta.APIVersion, meta.Kind)
			}
			if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
				t.Fatalf("%s document %d (%s): %v", f, i, meta.Kind, err)
			}
			objs = append(objs, object{file: f, kind: meta.Kind, obj: obj})
		}
	}
	return k, objs
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// Every manifest in the folder is listed in kustomization.yaml, and every
// listed one decodes strictly into its typed object.
func TestEveryManifestIsListedAndDecodesStrictly(t *testing.T) {
	k, objs := load(t)
	if k.Kind != "Kustomization" || k.Namespace != "arca" {
		t.Fatalf("kustomization: kind %q namespace %q", k.Kind, k.Namespace)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		b := filepath.Base(f)
		if b != "kustomization.yaml" && !slices.Contains(k.Resources, b) {
			t.Errorf("%s is not listed in kustomization.yaml", b)
		}
	}
	if len(objs) < 10 {
		t.Fatalf("only %d objects", len(objs))
	}
	for _, o := range objs {
		if o.kind == "Secret" {
			t.Errorf("%s: a Secret in the manifests; secrets are referenced, never written here", o.file)
		}
	}
}

// What the deployment promises: the stages run replicated, the coordinator
// and the alerter as singletons replaced with Recreate; every container is
// probed, limited, non-root with a read-only root; Secrets are referenced
// by name, never embedded; the services that restore or take base backups
// run the image with the PostgreSQL client tools.
func TestDeploymentsAreReplicatedProbedLimitedAndHardened(t *testing.T) {
	k, objs := load(t)
	images := map[string]bool{}
	for _, im := range k.Images {
		images[im.Name] = im.NewName != "" && im.NewTag != ""
	}
	configMaps := map[string]bool{"arca-ca": true} // made by the operator (deploy/README.md)
	accounts := map[string]bool{}
	for _, o := range objs {
		switch v := o.obj.(type) {
		case *corev1.ConfigMap:
			configMaps[v.Name] = true
		case *corev1.ServiceAccount:
			accounts[v.Name] = true
		}
	}
	want := map[string]struct {
		min       int32
		singleton bool
		image     string
	}{
		"exporter": {2, false, "arca-pg"}, "encryptor": {2, false, "arca"}, "uploader": {2, false, "arca"},
		"verifier": {2, false, "arca"}, "coordinator": {1, true, "arca-pg"}, "alerter": {1, true, "arca"},
	}
	seen := map[string]bool{}
	for _, o := range objs {
		d, ok := o.obj.(*appsv1.Deployment)
		if !ok {
			continue
		}
		comp := d.Spec.Template.Labels["app.kubernetes.io/component"]
		w, ok := want[comp]
		if !ok {
			t.Errorf("%s: deployment %s of unknown component %q", o.file, d.Name, comp)
			continue
		}
		seen[comp] = true
		for k, v := range d.Spec.Selector.MatchLabels {
			if d.Spec.Template.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod template", d.Name, k, v)
			}
		}
		if d.Spec.Replicas == nil {
			t.Errorf("%s: replicas unset", d.Name)
			continue
		}
		if w.singleton {
			if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
				t.Errorf("%s: a singleton wants replicas 1 and strategy Recreate, has %d %s", d.Name, *d.Spec.Replicas, d.Spec.Strategy.Type)
			}
		} else if *d.Spec.Replicas < w.min {
			t.Errorf("%s: %d replicas, want at least %d", d.Name, *d.Spec.Replicas, w.min)
		}
		pod := d.Spec.Template.Spec
		if !accounts[pod.ServiceAccountName] {
			t.Errorf("%s: service account %q is not defined", d.Name, pod.ServiceAccountName)
		}
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Errorf("%s: mounts a service account token it does not need", d.Name)
		}
		if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: not runAsNonRoot", d.Name)
		}
		for _, c := range pod.Containers {
			image, _, _ := strings.Cut(c.Image, ":")
			if image != w.image || !images[image] {
				t.Errorf("%s: image %s, want %s (mapped in kustomization.yaml images)", d.Name, c.Image, w.image)
			}
			if len(c.Args) == 0 || c.Args[0] != comp {
				t.Errorf("%s: runs %v, want arca %s", d.Name, c.Args, comp)
			}
			if c.ReadinessProbe == nil || c.LivenessProbe == nil {
				t.Errorf("%s: needs readiness and liveness probes", d.Name)
			}
			if c.Resources.Limits.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() || c.Resources.Requests.Memory().IsZero() {
				t.Errorf("%s: needs cpu and memory limits and a memory request", d.Name)
			}
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
				sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.Capabilities == nil ||
				!slices.Contains(sc.Capabilities.Drop, "ALL") {
				t.Errorf("%s: wants a read-only root, no privilege escalation, all capabilities dropped", d.Name)
			}
			secrets := map[string]bool{}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil {
					secrets[e.SecretRef.Name] = true
				}
			}
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					secrets[e.ValueFrom.SecretKeyRef.Name] = true
				}
				if e.Value != "" && regexp.MustCompile(`(?i)password|secret|token|://[^/@]+:[^/@]+@`).MatchString(e.Name+"="+e.Value) {
					t.Errorf("%s: env %s holds a secret in clear", d.Name, e.Name)
				}
			}
			if !secrets["arca-"+comp] {
				t.Errorf("%s: does not take its credentials from Secret arca-%s", d.Name, comp)
			}
		}
		for _, v := range pod.Volumes {
			if v.ConfigMap != nil && !configMaps[v.ConfigMap.Name] {
				t.Errorf("%s: ConfigMap %s is not defined", d.Name, v.ConfigMap.Name)
			}
		}
	}
	for comp := range want {
		if !seen[comp] {
			t.Errorf("no deployment for %s", comp)
		}
	}
}

// arca.yaml in the ConfigMap holds no password, and schedules base and
// wal_check only where WAL archiving is set up (here: not).
func TestConfigHoldsNoSecret(t *testing.T) {
	_, objs := load(t)
	for _, o := range objs {
		cm, ok := o.obj.(*corev1.ConfigMap)
		if !ok || cm.Name != "arca-config" {
			continue
		}
		conf := cm.Data["arca.yaml"]
		var parsed map[string]any
		if err := yaml.Unmarshal([]byte(conf), &parsed); err != nil {
			t.Fatalf("arca.yaml: %v", err)
		}
		for _, key := range []string{"source", "nats", "store", "keys", "schedules", "catalog", "api"} {
			if parsed[key] == nil {
				t.Errorf("arca.yaml has no %s", key)
			}
		}
		if regexp.MustCompile(`://[^/@\s]+:[^/@\s]+@`).MatchString(conf) {
			t.Error("arca.yaml holds a URL with a password")
		}
		if regexp.MustCompile(`(?m)^\s+(base|wal_check):`).MatchString(conf) {
			t.Error("arca.yaml schedules base backups or the WAL check without WAL archiving")
		}
		return
	}
	t.Fatal("no ConfigMap arca-config")
}

// The NATS chart's values parse; the chart itself is not reachable here.
func TestNATSValuesParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dir, "nats", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Config struct {
			Cluster struct {
				Enabled  bool `json:"enabled"`
				Replicas int  `json:"replicas"`
			} `json:"cluster"`
			JetStream map[string]any `json:"jetstream"`
			NATS      struct {
				TLS struct {
					Enabled bool `json:"enabled"`
				} `json:"tls"`
			} `json:"nats"`
		} `json:"config"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if !v.Config.Cluster.Enabled || v.Config.Cluster.Replicas != 3 || !v.Config.NATS.TLS.Enabled || v.Config.JetStream["enabled"] != true {
		t.Fatalf("nats values: want a 3-node TLS JetStream cluster, got %+v", v.Config)
	}
	if bytes.Contains(data, []byte("password:")) {
		t.Error("nats values hold a password")
	}
}
