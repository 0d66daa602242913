#!/usr/bin/env bash
# Shows that `make lint`'s golangci-lint enforces the layering: a file in
# pkg/messages that imports pgx must fail depguard. The file is temporary and
# removed whatever happens; the script fails if the linter lets it through.
set -euo pipefail
cd "$(dirname "$0")/.."
lint=bin/golangci-lint
[ -x "$lint" ] || { echo "lint-selftest: $lint missing; run make lint-selftest" >&2; exit 2; }

probe=pkg/messages/zz_lint_selftest.go
trap 'rm -f "$probe"' EXIT
cat >"$probe" <<'GO'
package messages

import (
	// A deliberate violation: pkg/messages must not reach the database.
	_ "github.com/jackc/pgx/v5"
)
GO

set +e
out=$("$lint" run --allow-parallel-runners ./pkg/messages/... 2>&1)
rc=$?
set -e
line=$(grep -F "$probe" <<<"$out" | grep -F depguard || true)
if [ "$rc" -eq 0 ] || [ -z "$line" ]; then
  echo "lint-selftest: FAIL: golangci-lint (exit $rc) did not reject pgx in pkg/messages:" >&2
  echo "$out" >&2
  exit 1
fi
echo "lint-selftest: ok: golangci-lint exit $rc on a deliberate violation:"
echo "$line"
