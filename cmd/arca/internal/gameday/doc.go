// Package gameday runs the operators' plan's disaster scenarios end to end
// (docs/gameday.md): a private PostgreSQL cluster archiving its WAL with
// `arca wal-push` into a versitygw bucket, base backups, and the built
// `arca` binary driven as an operator would type it. Each scenario breaks
// something, recovers with the commands of its runbook (docs/runbooks/
// gameday-*.md), checks what came back, and reports its RTO (from the
// moment recovery starts until the data is back) and RPO (the committed
// writes the recovery lost). `make gameday` runs it; the code is in the
// package's test TestGameDay, which `make test` runs too (skipped with
// -short).
package gameday
