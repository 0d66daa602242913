package backup

import (
	"strings"
	"testing"
	"time"
)

func TestManifestRoundTripAndValidation(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	m := Manifest{
		FormatVersion: 1, BackupID: "b1", Kind: "tenant", Tenant: "t/../1",
		CreatedAt: time.Now().UTC(), CommittedAt: time.Now().UTC(),
		Object: Object{Key: "k", Size: 30, SHA256: sha, Parts: []Part{
			{Index: 0, Offset: 0, Size: 10, SHA256: sha}, {Index: 1, Offset: 10, Size: 20, SHA256: sha},
		}},
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil || got.Object.Size != 30 {
		t.Fatalf("parse: %v", err)
	}
	m.Object.Size = 31
	m.Kind = "zip"
	_, err = m.Marshal()
	if err == nil || !strings.Contains(err.Error(), "add up to 30") || !strings.Contains(err.Error(), `kind "zip"`) {
		t.Fatalf("want every problem reported, got %v", err)
	}
}

func TestLayoutKeepsTenantIDsInsideTheirFolder(t *testing.T) {
	l := Layout{Prefix: "prod/"}
	for _, id := range []string{"..", ".", "a/b", "x'; DROP", ""} {
		k := l.Manifest("tenant", id, "b1")
		if !strings.HasPrefix(k, "prod/tenants/") || strings.Count(k, "/") != 4 {
			t.Errorf("tenant %q → %q escapes its folder", id, k)
		}
	}
	if got := l.Data("full", "", "b2"); got != "prod/full/b2/data.arca" {
		t.Errorf("full data key %q", got)
	}
}
