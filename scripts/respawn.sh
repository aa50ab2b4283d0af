#!/usr/bin/env bash
# Run a command and start it again whenever it exits with an error, after a
# pause. honcho stops every process once one exits, so without this a crash of
# Rasa or the action server would also stop the desk, which is meant to keep
# answering with an apology and a human button meanwhile. A clean exit, or
# SIGINT or SIGTERM from honcho, ends it.
set -u

child=""
stop() {
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child"
  fi
  exit 0
}
trap stop INT TERM

while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=""
  if [ "$status" -eq 0 ]; then
    exit 0
  fi
  echo "respawn: $1 exited with status $status; starting it again in 3 s" >&2
  sleep 3
done
