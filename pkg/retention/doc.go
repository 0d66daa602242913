// Package retention decides which backups to keep. It is pure: a Policy
// and the list of committed backups (kind, tenant, creation time,
// verification outcome, manifest retention date) go in, a Plan comes out
// in which every backup is kept or deleted, with the reasons. Nothing here
// touches a store; package prune executes a Plan and package lifecycle
// derives S3 lifecycle rules from the same Policy.
//
// The rules, in the order a Plan states them:
//
//   - A legal hold keeps every backup it covers (a tenant, a kind, or both).
//   - A manifest's RetainUntil in the future keeps the backup (it is what
//     Object Lock enforces on the objects).
//   - The newest verified backup of each tenant, and of each kind without
//     a tenant (full, base), is kept whatever the age. A tenant none of whose
//     backups is verified yet keeps its newest backup that did not fail.
//   - A kind's KeepDays keeps every backup of that kind created within that
//     many days (tenant exports 90, operational full and base copies 30).
//   - GFS slots (daily, weekly, monthly, yearly) keep the best backup of each
//     period, newest periods first, up to a count of periods and/or within a
//     number of days: full backups keep one a week for 7 years (health data).
//     The best backup of a period is its newest verified one, else its newest
//     unchecked one; a backup that failed verification never fills a slot.
//   - Everything else is deleted, "expired".
//
// A kind without a policy is kept entirely.
package retention
