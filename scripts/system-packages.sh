#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL 15 (a temporary cluster per run) and
# Chromium (driven by Playwright). Installs only what is missing; uses sudo when not root.
set -euo pipefail

missing=()
for package in postgresql-15 chromium fonts-noto-core fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a cluster of its own; the tests start their own, so stop it.
if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
  $sudo pg_ctlcluster 15 main stop 2>/dev/null || true
fi
