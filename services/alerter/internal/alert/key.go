package alert

import "github.com/arcabackup/arca/pkg/messages"

// StormKey is the dedup key of the aggregated incident of one check and
// kind. "storm" cannot collide with a tenant token (16 base32 characters or "_").
func StormKey(c Check, k messages.Kind) string {
	return "arca/" + string(c) + "/" + Scope{Kind: k}.kindToken() + "/storm"
}

func tenantToken(tenant string) string { return messages.Token(tenant) }
