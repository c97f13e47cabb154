#!/usr/bin/env bash
# ensure-macho-check.sh: make sure scripts/macho-check (our independent checker of Mach-O code signatures) is
# built; print the binary's path as the LAST line of stdout (progress goes to stderr):
#
#   "$(scripts/ensure-macho-check.sh | tail -1)" path/to/darwin-executable   # one JSON object; "valid": true|false
#
# Why a Go program: the checker must share no code with scripts/release/machoAdhocSign.ts, whose output it
# checks; it parses with github.com/blacktop/go-macho and recomputes the page hashes itself (see its main.go).
#
# Built from the Go module proxy into a cache folder outside the repository, one folder per source state:
#   ${MACHO_CHECK_CACHE:-$HOME/.cache/ionos-registry-token/macho-check}/<sha256 of go.mod, go.sum, main.go>/macho-check
# so editing any of the three builds anew and a present binary is always current (no stamp needed). The build
# reads the committed go.sum (-mod=readonly: it never writes into the repository) and works offline once the
# modules are in GOMODCACHE. The binary is linked under a temporary name and moved into place, under a lock, so
# parallel runs and interrupted builds never see a half-written binary.
#
# Measured on this 2-core machine (go1.26.8, go-macho v1.1.297, 2026-12-06):
#   - cold (empty GOMODCACHE and GOCACHE): 14-24 s wall (21 s user CPU); 2 modules (go-macho, go-dwarf), 3.3 MB of
#     module cache, 95 MB of build cache;
#   - warm module cache, empty GOCACHE: about the same (it is compiling go-macho), and it works with GOPROXY=off;
#   - warm run (binary present): 0.01 s. The binary (stripped) is 3.7 MB.
#
# Inputs: MACHO_CHECK_CACHE (cache folder) and the usual Go variables (GOPROXY, GOMODCACHE, GOCACHE).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENSURE_NAME=ensure-macho-check
# shellcheck source=scripts/lib/cache.sh
source "$SCRIPT_DIR/lib/cache.sh"
SRC_DIR="$SCRIPT_DIR/macho-check"
# sha256sum lists each file's hash with its name, so the key changes with any byte of any of the three.
KEY=$(cd "$SRC_DIR" && sha256sum go.mod go.sum main.go | sha256sum | cut -c1-16)
CACHE_DIR="${MACHO_CHECK_CACHE:-$HOME/.cache/ionos-registry-token/macho-check}/$KEY"
BIN="$CACHE_DIR/macho-check"

is_warm() { [[ -x $BIN ]]; }

exit_if_warm "$BIN" "macho-check ready: $BIN"

command -v go >/dev/null 2>&1 ||
    die "'go' is needed to build macho-check (see the go line of scripts/macho-check/go.mod)"

mkdir -p "$CACHE_DIR"
lock_cache "$CACHE_DIR/.lock" "$BIN"
# Leftovers of a killed build (SIGKILL skips the trap); we hold the lock, so none belongs to a live build.
rm -f "$CACHE_DIR"/.*.tmp.*

# -buildvcs=false: the source sits in a git worktree, and stamping its state would make the binary differ per
# commit for nothing; CGO_ENABLED=0: a static binary, no C toolchain needed.
export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
tmp="$CACHE_DIR/.macho-check.tmp.$$"
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
log "building macho-check with $(go version | cut -d' ' -f3) into $CACHE_DIR"
(cd "$SRC_DIR" && go build -trimpath -ldflags "-s -w" -o "$tmp" .) >&2
mv -f "$tmp" "$BIN"
log "macho-check ready: $BIN ($((SECONDS - start)) s)"
printf '%s\n' "$BIN"
