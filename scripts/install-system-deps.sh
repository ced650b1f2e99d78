#!/usr/bin/env bash
# Installs the real tools the tests and deep checks use, from Debian's archive. Idempotent.
#   postgresql, pgbouncer, redis-server/redis-sentinel : config acceptance, backup/restore, failover tests
#   gnupg, age                                         : backup encryption, chart signing
#   openssl                                            : self-signed certificates for the PostgreSQL TLS tests
#   docker-registry                                    : OCI publish tests (distribution v2)
#   prometheus (promtool), prometheus-alertmanager (amtool): extracted only (DESIGN §6), into .tools/debian
#   Node >= 22.19 where the machine's is older                : scripts/install-node.sh
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql postgresql-client pgbouncer redis-server redis-sentinel redis-tools gnupg age docker-registry ca-certificates openssl)
EXTRACT_PACKAGES=(prometheus prometheus-alertmanager)

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done

if [ ${#missing[@]} -gt 0 ] || [ ! -x .tools/debian/usr/bin/promtool ] || [ ! -x .tools/debian/usr/bin/amtool ]; then
  apt-get update -qq
fi

if [ ${#missing[@]} -gt 0 ]; then
  # Keep package scripts from starting services: tests start their own servers on 127.0.0.1.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

if [ ! -x .tools/debian/usr/bin/promtool ] || [ ! -x .tools/debian/usr/bin/amtool ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq "${EXTRACT_PACKAGES[@]}" >/dev/null)
  mkdir -p .tools/debian
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" .tools/debian; done
  rm -rf "$tmp"
fi

bash scripts/install-node.sh

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
echo "system deps ready: postgres in ${pgbin:-?}, $(redis-server --version | cut -d' ' -f3), $(.tools/debian/usr/bin/promtool --version 2>&1 | head -n1)"
