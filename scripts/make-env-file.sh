#!/usr/bin/env bash
# Add the secrets that `make run` needs to .env, each a new random value:
# DESK_SERVICE_TOKEN (shared by the desk and the action server) and
# RASA_AUTH_TOKEN (guards Rasa's HTTP API; the REST channel needs none).
# honcho and the Makefile read .env. Values already in .env are kept.
set -euo pipefail

touch .env
for name in DESK_SERVICE_TOKEN RASA_AUTH_TOKEN; do
  if ! grep -q "^$name=" .env; then
    token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
    echo "$name=$token" >> .env
    echo "added a new $name to .env"
  fi
done
