#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter, which Rasa 3.6 needs.
# pyenv's `python3.10` shim refuses to run unless 3.10 is the selected version,
# so the interpreter inside pyenv's 3.10 prefix is tried first.
set -euo pipefail

candidates=()
if command -v pyenv >/dev/null 2>&1; then
  if prefix=$(pyenv prefix 3.10 2>/dev/null); then
    candidates+=("$prefix/bin/python3.10")
  fi
fi
candidates+=(python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
    && [ "$version" = "3.10" ]; then
    command -v "$candidate"
    exit 0
  fi
done

echo "error: no working Python 3.10 found; Rasa 3.6 needs Python 3.8-3.10." >&2
echo "Install it, for example with 'pyenv install 3.10', then run make again." >&2
exit 1
