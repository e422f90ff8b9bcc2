#!/usr/bin/env bash
# Writes the secrets compose.yaml mounts, under deploy/compose/secrets/
# (ignored by git): TLS certificates, NATS identities, the PostgreSQL
# password and the S3 key pair. Run once from anywhere; re-running keeps
# what exists (delete secrets/ to start over).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$here/secrets
mkdir -p "$out/nats" "$out/tls"
chmod 700 "$out"
titrepro() { (cd "$root" && go run ./cmd/titrepro "$@"); }
random() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }

# Server certificates of the services and the NATS nodes, the gateway's
# client certificate, one development CA (ADR 0018).
if [ ! -f "$out/tls/ca.crt" ]; then
  titrepro dev-certs "$out/tls" --hosts nats-1,nats-2,nats-3
fi

# One nkey per bus identity (ADR 0007): the seeds go to the services, the
# public keys to the NATS servers' environment.
if [ ! -f "$out/nats-nkeys.env" ]; then
  env_file=$out/nats-nkeys.env.tmp
  : > "$env_file"
  for id in candidate portfolio assessment certification ministry admin; do
    TITREPRO_DATA_DIR=$out/nats-keyring titrepro nats-credentials "$id" --seed > "$out/nats/$id.seed"
    pub=$(TITREPRO_DATA_DIR=$out/nats-keyring titrepro nats-credentials "$id" | awk '$1 == "nkey:" {print $2}')
    echo "TITREPRO_${id^^}_NKEY=$pub" >> "$env_file"
  done
  # The nodes open routes to each other only with the route password
  # (deploy/nats/nats-server.conf reads both variables).
  route_pw=$(random)
  echo "TITREPRO_NATS_ROUTE_PASSWORD=$route_pw" >> "$env_file"
  echo "TITREPRO_NATS_ROUTES=[nats-route://route:$route_pw@nats-1:6222, nats-route://route:$route_pw@nats-2:6222, nats-route://route:$route_pw@nats-3:6222]" >> "$env_file"
  mv "$env_file" "$out/nats-nkeys.env"
fi

if [ ! -f "$out/postgres_password" ]; then
  pw=$(random)
  printf '%s\n' "$pw" > "$out/postgres_password"
  # host:port:database:user:password, read by pgx (passfile= in DATABASE_URL).
  printf 'postgres:5432:titrepro:titrepro:%s\n' "$pw" > "$out/pgpass"
fi

if [ ! -f "$out/s3_credentials" ]; then
  key=$(random | head -c 20) secret=$(random)
  printf 'ROOT_ACCESS_KEY=%s\nROOT_SECRET_KEY=%s\n' "$key" "$secret" > "$out/s3-root.env"
  printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$key" "$secret" > "$out/s3_credentials"
fi

# The containers run as nonroot (65532) and compose mounts secret files as
# they are: readable by the container user, private to this host's owner.
chmod 644 "$out"/tls/* "$out"/nats/* "$out"/pgpass "$out"/postgres_password "$out"/s3_credentials
echo "secrets written to $out"
