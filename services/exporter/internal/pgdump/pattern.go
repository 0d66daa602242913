package pgdump

import "strings"

// ExactPattern turns a name into a pg_dump pattern (-n, -t) that matches
// exactly that name. pg_dump patterns fold case, treat * and ? as
// wildcards and . as a separator outside double quotes, and are anchored;
// inside double quotes every character is literal and a double quote is
// written twice. So quoting the whole name matches it and nothing else
// (tenant_a never matches tenant_a_1).
func ExactPattern(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
