#!/usr/bin/env bash
# Install and start Debian's PostgreSQL, then create the desk and Rasa test
# roles and databases. Safe to run again: existing pieces are kept.
# Prints the two URLs for the e2e suite as shell assignments.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header | awk 'NR == 1 {print $1 " " $2}')
if [ -z "$cluster" ]; then
  echo "error: no PostgreSQL cluster found after installing postgresql" >&2
  exit 1
fi
pg_ctlcluster $cluster start >/dev/null 2>&1 || true
port=$(pg_lsclusters --no-header | awk 'NR == 1 {print $3}')

run_sql() {
  su postgres -c "psql --quiet --port $port --tuples-only --command \"$1\""
}

for name in desk rasa; do
  if [ -z "$(run_sql "SELECT 1 FROM pg_roles WHERE rolname = '${name}_test'")" ]; then
    run_sql "CREATE ROLE ${name}_test LOGIN PASSWORD '${name}-test'" >&2
  fi
  if [ -z "$(run_sql "SELECT 1 FROM pg_database WHERE datname = '${name}_test'")" ]; then
    run_sql "CREATE DATABASE ${name}_test OWNER ${name}_test" >&2
  fi
done

echo "E2E_DESK_DATABASE_URL=postgresql+asyncpg://desk_test:desk-test@127.0.0.1:$port/desk_test"
echo "E2E_TRACKER_STORE_URL=postgresql://rasa_test:rasa-test@127.0.0.1:$port/rasa_test"
