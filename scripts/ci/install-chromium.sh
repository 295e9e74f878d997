#!/usr/bin/env bash
# The browser of the console's end-to-end spec: Debian's chromium, never a browser download.
# Idempotent: does nothing when /usr/bin/chromium is there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
