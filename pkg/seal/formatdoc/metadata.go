package formatdoc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Ref is what a metadata object's key says (§9.1).
type Ref struct {
	Object, Kind, Tenant, BackupID string
}

// RefOf reads a manifest.json or verified.json key under prefix.
func RefOf(key, prefix string) (Ref, error) {
	rel := key
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(key, prefix+"/"); !ok {
			return Ref{}, fmt.Errorf("%s is not under %s", key, prefix)
		}
	}
	segs := strings.Split(rel, "/")
	var r Ref
	switch {
	case len(segs) == 4 && segs[0] == "tenants":
		t, err := tenantOf(segs[1])
		if err != nil {
			return Ref{}, err
		}
		r = Ref{Kind: "tenant", Tenant: t, BackupID: segs[2]}
	case len(segs) == 3 && (segs[0] == "full" || segs[0] == "base"):
		r = Ref{Kind: segs[0], BackupID: segs[1]}
	default:
		return Ref{}, fmt.Errorf("%s is not a backup's object", key)
	}
	switch segs[len(segs)-1] {
	case "manifest.json":
		r.Object = "manifest"
	case "verified.json":
		r.Object = "verification"
	default:
		return Ref{}, fmt.Errorf("%s is not a metadata object", key)
	}
	return r, nil
}

// tenantOf decodes a tenant segment (§9.1).
func tenantOf(seg string) (string, error) {
	switch seg {
	case "%":
		return "", nil
	case "%2E":
		return ".", nil
	case "%2E2E":
		return "..", nil
	}
	return url.PathUnescape(seg)
}

// MetadataArtifactID is the artifact id of §9.3.
func MetadataArtifactID(key string, r Ref) string {
	return strings.Join([]string{"arca/meta/v2", r.Object, key, r.Kind, r.BackupID, r.Tenant}, "\n")
}

// OpenMetadata opens a manifest or verification record read at key (§9.4)
// and returns its body (JSON).
func OpenMetadata(doc []byte, key, prefix string, keys Keys) ([]byte, error) {
	var env struct {
		Arca          string `json:"arca"`
		FormatVersion int    `json:"format_version"`
		Kind          string `json:"kind"`
		BackupID      string `json:"backup_id"`
		Sealed        string `json:"sealed"`
	}
	if err := json.Unmarshal(doc, &env); err != nil {
		return nil, err
	}
	if env.FormatVersion != 2 {
		return nil, fmt.Errorf("format_version %d refused", env.FormatVersion)
	}
	r, err := RefOf(key, prefix)
	if err != nil {
		return nil, err
	}
	if env.Arca != r.Object || env.Kind != r.Kind || env.BackupID != r.BackupID {
		return nil, errors.New("moved or swapped")
	}
	sealed, err := base64.StdEncoding.DecodeString(env.Sealed)
	if err != nil {
		return nil, err
	}
	body, err := OpenArtifact(sealed, MetadataArtifactID(key, r), keys)
	if err != nil {
		return nil, fmt.Errorf("does not authenticate: %w", err)
	}
	var b struct {
		FormatVersion int    `json:"format_version"`
		Kind          string `json:"kind"`
		BackupID      string `json:"backup_id"`
		Tenant        string `json:"tenant"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	if b.BackupID != r.BackupID {
		return nil, errors.New("body names another backup")
	}
	if r.Object == "manifest" && (b.FormatVersion != 2 || b.Kind != r.Kind || b.Tenant != r.Tenant) {
		return nil, errors.New("body names another backup")
	}
	return body, nil
}
