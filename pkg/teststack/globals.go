package teststack

import (
	"regexp"
	"strings"
)

// OnlyRoles keeps, of a pg_dumpall globals script taken from the shared test
// server, the psql meta-commands, settings and comments, the statements
// naming one of roles, and the bootstrap superuser's own CREATE and ALTER
// ROLE: what restoring the script into a new server would meet. Not every
// line that names the superuser: "GRANT x TO y GRANTED BY postgres" may be
// another test's role, dropped by the time the script is restored ("role x
// does not exist").
func OnlyRoles(script, superuser string, roles ...string) string {
	named := regexp.MustCompile(`\b(` + strings.Join(roles, "|") + `)\b`)
	own := regexp.MustCompile(`^(CREATE|ALTER) ROLE ` + regexp.QuoteMeta(superuser) + `\b`)
	var b strings.Builder
	for line := range strings.Lines(script) {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, `\`) || strings.HasPrefix(l, "SET ") || strings.HasPrefix(l, "--") ||
			named.MatchString(l) || own.MatchString(l) {
			b.WriteString(line)
		}
	}
	return b.String()
}
