#!/usr/bin/env bash
# Write .env with a random service token shared by the desk and the action
# server. honcho and the Makefile read it; an existing .env is kept as it is.
set -euo pipefail

if [ -e .env ]; then
  exit 0
fi
token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
cat > .env <<ENV
DESK_SERVICE_TOKEN=$token
ENV
echo "wrote .env with a new DESK_SERVICE_TOKEN"
