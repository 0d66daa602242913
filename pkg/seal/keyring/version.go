package keyring

import "time"

// Version is one key version as stored in the keyring document.
type Version struct {
	ID        string     `json:"id"`
	Tenant    string     `json:"tenant,omitempty"` // "" for the default scope
	Number    int        `json:"version"`
	Created   time.Time  `json:"created"`
	Primary   bool       `json:"primary,omitempty"`
	AES256GCM []byte     `json:"aes256gcm,omitempty"` // local KEK material
	KMSURI    string     `json:"kms_uri,omitempty"`   // KEK held by a KMS
	Destroyed *time.Time `json:"destroyed,omitempty"`
}

// Info describes a version without its secret material: what List returns and
// what may be logged.
type Info struct {
	ID        string     `json:"id"`
	Tenant    string     `json:"tenant,omitempty"` // "" for the default scope
	Number    int        `json:"number"`
	Created   time.Time  `json:"created_at"`
	Primary   bool       `json:"primary"`
	Kind      string     `json:"kind"` // "local" or "kms"
	KMSURI    string     `json:"kms_uri,omitempty"`
	Destroyed *time.Time `json:"destroyed_at,omitempty"`
}

func (v *Version) info() Info {
	kind := "local"
	if v.KMSURI != "" {
		kind = "kms"
	}
	return Info{ID: v.ID, Tenant: v.Tenant, Number: v.Number, Created: v.Created,
		Primary: v.Primary, Kind: kind, KMSURI: v.KMSURI, Destroyed: v.Destroyed}
}

func (v *Version) destroyed() bool { return v.Destroyed != nil }
