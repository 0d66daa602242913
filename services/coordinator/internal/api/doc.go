// Package api is the coordinator's HTTP API for the platform's admin
// portal (docs/openapi.yaml): list a tenant's backups, start a tenant
// backup, show a run with its jobs or one backup, start a restore into a
// scratch target and follow it. JSON in and out; every /v1 route needs
// "Authorization: Bearer <token>" matching the configured token (compared
// in constant time). No configured token means no access at all.
package api
