// Package console is the web console operators and support staff use: the
// fleet's overview, a tenant's backups, runs and drills, a backup's stages,
// and restores with a plan and a typed confirmation.
//
// It is served by the coordinator under /console/, outside the JSON API
// (docs/openapi.yaml). Pages are rendered on the server from templates
// embedded in the binary; every asset is embedded too (no CDN, no build
// step) and every page reads without JavaScript: a running restore
// refreshes itself with a meta refresh.
//
// Sign-in takes a credential (the API token, or a viewer token) and sets a
// signed session cookie naming its role; operators may restore, viewers
// only read. Every form carries a CSRF token bound to the session, every
// restore (started or refused) is written to the catalog's audit log, and
// the pages speak English and Portuguese (Accept-Language, or the switch
// in the header).
package console
