#!/usr/bin/env bash
# Layering rules of docs/architecture.md: domain and app packages stay pure
# (no gRPC, SQL, NATS or generated protos), ports never reach into adapters
# (the service root binds them, docs/platform.md), and no REST route may
# bypass the gRPC interceptors through grpc-gateway's in-process
# registration.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
forbidden='google.golang.org/grpc|database/sql|github.com/nats-io|github.com/titrepro/titrepro/gen/go|internal/sqldb|internal/outbox|internal/eventbus|jackc/pgx|modernc.org/sqlite'
# Every package of every module with its imports; a go list that fails
# stops the check (a silent empty list would pass everything).
modules=$(go list -m -f '{{.Dir}}') || { echo "layering: go list -m failed"; exit 2; }
all=$(mktemp); trap 'rm -f "$all"' EXIT
for dir in $modules; do
  (cd "$dir" && go list -f '{{.ImportPath}} {{join .Imports " "}}' ./...) >>"$all" \
    || { echo "layering: go list failed in $dir"; exit 2; }
done
test -s "$all" || { echo "layering: go list found no package"; exit 2; }
while read -r pkg imports; do
  bad=$(tr ' ' '\n' <<<"$imports" | grep -E "$forbidden" || true)
  if [ -n "$bad" ]; then echo "layering: $pkg imports $(echo $bad)"; fail=1; fi
done < <(awk '$1 ~ /\/internal\/(domain|app)(\/|$)/' "$all")
# Ports (gRPC servers, event consumers) get their repositories from the
# service root, which alone may import adapters: a port importing one would
# bypass the wiring (e.g. a consumer writing outside the inbox's transaction).
while read -r pkg imports; do
  bad=$(tr ' ' '\n' <<<"$imports" | grep -E '/services/[^/]+/internal/adapters(/|$)' || true)
  if [ -n "$bad" ]; then echo "layering: $pkg is a port and imports adapters $(echo $bad)"; fail=1; fi
done < <(awk '$1 ~ /\/services\/[^\/]+\/internal\/ports(\/|$)/' "$all")
# The platform packages domain code may import (internal/apperr,
# internal/civildate, internal/updatemask) are allowed because they import
# the standard library only (and internal/apperr); keep them so.
while read -r pkg imports; do
  bad=$(tr ' ' '\n' <<<"$imports" | grep -E '\.' | grep -vx 'github.com/titrepro/titrepro/internal/apperr' || true)
  if [ -n "$bad" ]; then echo "layering: $pkg must import the standard library only, imports $(echo $bad)"; fail=1; fi
done < <(cd internal && go list -f '{{.ImportPath}} {{join .Imports " "}}' ./apperr ./civildate ./updatemask)
if grep -rn --include='*.go' -E 'Register[A-Za-z]+HandlerServer\(' --exclude-dir=gen . ; then
  echo "layering: in-process grpc-gateway registration bypasses the interceptors"; fail=1
fi
exit $fail
