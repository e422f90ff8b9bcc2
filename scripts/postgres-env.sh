# Sourced by `make test` and `make bench`: points the storage tests at a real
# PostgreSQL. An explicit TEST_POSTGRES_URL wins. Otherwise the local server on
# 127.0.0.1:5432 is used when it answers (started first if it is installed but
# down). When none can be had, the tests fall back to testcontainers-go (a
# Docker daemon is needed), and with CI=true a missing PostgreSQL fails them.
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
  else
    echo "note: no PostgreSQL on 127.0.0.1:5432; storage tests use testcontainers-go or skip loudly" >&2
  fi
fi
