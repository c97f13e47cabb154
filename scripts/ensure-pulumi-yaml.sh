#!/usr/bin/env bash
# ensure-pulumi-yaml.sh: make sure Pulumi YAML's language host exists; print its bin dir as the LAST line of
# stdout (progress goes to stderr). Pulumi YAML programs need it; the plugin-mode tests use it.
#
# Built from the Go module proxy (github.com/pulumi/pulumi-yaml v1.25.0, cmd/pulumi-language-yaml; its go.mod
# has no replace directive, so `go install module@version` works) into a cache folder outside the repository:
#   ${PULUMI_YAML_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-yaml/<version>}/bin
# A program points at it with `plugins.languages: [{name: yaml, path: <that dir>}]` in Pulumi.yaml (on PATH it
# works too, with a warning on every run). Measured on this 2-core machine: about 4 min cold (it compiles
# pulumi pkg/sdk v3.206.0), a few seconds with a warm Go build cache; the binary is about 32 MB.
set -euo pipefail

VERSION=1.25.0
CACHE_DIR=${PULUMI_YAML_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-yaml/$VERSION}
BIN_DIR="$CACHE_DIR/bin"

ENSURE_NAME=ensure-pulumi-yaml
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"
is_warm() { [[ -x "$BIN_DIR/pulumi-language-yaml" ]]; }

exit_if_warm "$BIN_DIR"
command -v go >/dev/null || die "go is needed to build pulumi-language-yaml"
mkdir -p "$BIN_DIR"
lock_cache "$CACHE_DIR/.lock" "$BIN_DIR"
# Built into a temporary folder and moved into place: an interrupted build never leaves a half-written binary.
tmp=$(mktemp -d "$CACHE_DIR/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building pulumi-language-yaml v$VERSION (minutes when cold)"
GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off go install \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$VERSION" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$VERSION"
mv "$tmp/pulumi-language-yaml" "$BIN_DIR/pulumi-language-yaml"
log "ready in $BIN_DIR"
echo "$BIN_DIR"
