#!/usr/bin/env bash
# ensure-sdk-gen.sh: make sure scripts/pulumi-gen-sdk (our Node.js/Python/Go SDK generator) is built; print its bin
# dir as the LAST line of stdout (progress goes to stderr):
#
#   "$(scripts/ensure-sdk-gen.sh | tail -1)/pulumi-gen-sdk" --schema schema.json --language python --out sdk
#
# Why a program of our own: `pulumi package gen-sdk` hands code generation to the language hosts
# (pulumi-language-nodejs, -python, -go), and the Go module proxy reachable here answers 403 for their modules, so
# they cannot be built. The generators themselves are plain Go packages of github.com/pulumi/pulumi/pkg/v3
# (codegen/nodejs, codegen/python, codegen/go); scripts/pulumi-gen-sdk/main.go calls them.
#
# Built from the Go module proxy into a cache folder outside the repository:
#   ${PULUMI_GEN_SDK_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-gen-sdk/<version>}/bin/pulumi-gen-sdk
# in a generated main module (build/) that requires pkg/v3 and sdk/v3 at the pinned version (the same version as
# the CLI, so a warm Go module cache from that build is reused) and copies pkg's non-local replace directives
# (scripts/lib/pulumi-go-module.sh, shared with scripts/ensure-pulumi.sh). The stamp holds the sha256 of main.go
# and of lib/pulumi-go-module.sh: editing either rebuilds, and every build writes build/go.mod afresh (so a
# changed lib reaches an existing cache). The binary is linked under a temporary name and moved into place, under
# a lock, so parallel runs and interrupted builds never see a half-written binary.
#
# Measured on this 2-core machine (go1.26.8, 2026-12-01, other jobs running, load average 4-6):
#   - cold (empty GOMODCACHE and GOCACHE, as on a fresh CI machine): 4 min 59 s wall (211 s user CPU, 0.6 GB
#     peak RSS); 111 modules, 180 MB of zips (737 MB module cache), 511 MB build cache;
#   - warm module cache, empty GOCACHE: 2 min 57 s, so most of it is compiling;
#   - main.go edited or a new cache folder, warm GOCACHE (after the CLI build too): 3-10 s;
#   - warm run (binary present, stamp matches): 0.01 s. The binary (stripped) is 30 MB.
#
# Inputs: PULUMI_GEN_SDK_CACHE (cache folder) and the usual Go variables (GOPROXY, GOMODCACHE, GOCACHE).
set -euo pipefail

PULUMI_VERSION=3.276.0

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/pulumi-go-module.sh
source "$SCRIPT_DIR/lib/pulumi-go-module.sh"
ENSURE_NAME=ensure-sdk-gen
# shellcheck source=scripts/lib/cache.sh
source "$SCRIPT_DIR/lib/cache.sh"
SRC="$SCRIPT_DIR/pulumi-gen-sdk/main.go"
LIB="$SCRIPT_DIR/lib/pulumi-go-module.sh"
CACHE_DIR=${PULUMI_GEN_SDK_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-gen-sdk/$PULUMI_VERSION}
BIN_DIR="$CACHE_DIR/bin"
BUILD_DIR="$CACHE_DIR/build"
BIN="$BIN_DIR/pulumi-gen-sdk"

STAMP="$PULUMI_VERSION src=$(sha256sum "$SRC" | cut -d' ' -f1) lib=$(sha256sum "$LIB" | cut -d' ' -f1)"
is_warm() { [[ -x $BIN && -f $CACHE_DIR/stamp && $(<"$CACHE_DIR/stamp") == "$STAMP" ]]; }

exit_if_warm "$BIN_DIR" "pulumi-gen-sdk ready in $BIN_DIR"

command -v go >/dev/null 2>&1 ||
    die "'go' is needed to build pulumi-gen-sdk (see the go line of github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION's go.mod)"

mkdir -p "$BIN_DIR" "$BUILD_DIR/pulumi-gen-sdk"
lock_cache "$CACHE_DIR/.lock" "$BIN_DIR"
# Leftovers of a killed build (SIGKILL skips the trap); we hold the lock, so none belongs to a live build.
rm -f "$BIN_DIR"/.*.tmp.*

export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
tmp="$BIN_DIR/.pulumi-gen-sdk.tmp.$$"
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
log "building pulumi-gen-sdk (pulumi pkg v$PULUMI_VERSION codegen) with $(go version | cut -d' ' -f3) into $BIN_DIR (cold: minutes)"

# Every build, not only the first: the main module is ours to write, and an old cache must not keep the go.mod
# of an older lib. (go.sum stays; -mod=mod adds what a changed go.mod needs.)
write_pulumi_go_module "$BUILD_DIR" ionos-registry-token.local/pulumi-gen-sdk-build "$PULUMI_VERSION" ensure-sdk-gen

cp "$SRC" "$BUILD_DIR/pulumi-gen-sdk/main.go"
(cd "$BUILD_DIR" && go build -trimpath -ldflags "-s -w" -o "$tmp" ./pulumi-gen-sdk) >&2
mv -f "$tmp" "$BIN"
printf '%s\n' "$STAMP" >"$CACHE_DIR/stamp"
log "pulumi-gen-sdk ready in $BIN_DIR ($((SECONDS - start)) s)"
printf '%s\n' "$BIN_DIR"
