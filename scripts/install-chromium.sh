#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing, with a
# CJK font so that screenshots show the Chinese text. Safe to run again.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: /usr/bin/chromium is missing; run 'sudo apt-get install chromium fonts-noto-cjk' and try again" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk
