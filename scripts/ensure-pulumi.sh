#!/usr/bin/env bash
# ensure-pulumi.sh: make sure a working Pulumi CLI exists; print its bin dir as the LAST line of stdout.
#
#   PATH="$(scripts/ensure-pulumi.sh | tail -1):$PATH"      # progress goes to stderr
#
# 1. If `pulumi` on PATH is >= 3.139 and both plugins it needs for our Node.js programs can be found
#    (pulumi-language-nodejs and pulumi-resource-pulumi-nodejs, on PATH or beside the real pulumi binary),
#    print that bin dir and stop. Set ENSURE_PULUMI_IGNORE_PATH=1 to skip this and always use the build.
# 2. Otherwise build, from the Go module proxy, into a cache folder outside the repo that survives runs:
#      ${PULUMI_CLI_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-cli/<version>}/bin
#    - pulumi: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, from a generated main module (build/) that
#      requires pkg/v3 and sdk/v3 at the pinned version and copies pkg's non-local replace directive(s)
#      (`go install pkg@version` refuses modules whose go.mod has replace directives);
#    - pulumi-language-nodejs: scripts/pulumi-language-nodejs/main.go, our own minimal Node.js language
#      host, built in the same module. The official host's module
#      (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no tags and the proxy we
#      can reach answers 403 for it (version list and every pseudo-version), so it cannot be built here.
#      Only `pulumi up/preview` of a project directory needs a language host; Automation API inline
#      programs do not (the SDK serves the program itself and passes --client to the CLI);
#    - pulumi-resource-pulumi-nodejs: a sh launcher for dynamic providers (node on
#      require.resolve('@pulumi/pulumi/cmd/dynamic-provider'), resolved from the plugin's working directory,
#      i.e. the program directory). The engine finds plugins on $PATH, then beside the real (symlinks
#      resolved) pulumi binary; without it every dynamic resource fails with "no resource plugin
#      'pulumi-resource-pulumi-nodejs' found in the workspace or on your $PATH".
#    Binaries are built under temporary names and moved into place, so an interrupted build never leaves
#    a half-written binary. A warm run only checks the files, a stamp and `pulumi version`.
#
# Pinned: 3.276.0, the newest pkg/v3 version the proxy lists (2026-11-28); it builds with go1.26.8 (its
# go.mod says go 1.26.6) and passed our smoke tests with @pulumi/pulumi 3.270.0 on Node 20: Automation API
# inline program with a secret-output dynamic resource (preview, up, export, refresh, destroy) and
# `pulumi up/preview/refresh/destroy` of JS and TS project directories through our language host.
#
# Measured on this 2-core machine (go1.26.8, 2026-11-28; other jobs running, load average 3-5):
#   - cold (empty GOMODCACHE and GOCACHE, as on a fresh CI machine): 3 min 55 s wall (292 s user CPU,
#     1.9 GB peak RSS); 254 modules, 280 MB of zips downloaded. A first manual build took 3 min 11 s;
#   - fresh GOCACHE, warm module cache: 3 min 57 s, so the time is compiling, not downloading;
#   - warm GOCACHE, empty cache folder (relink only): 6 s;  language host alone: about 1 s;
#   - warm run (binaries present): 0.11 s;
#   - disk: module cache 1.4 GB (280 MB of it zips), build cache 1.7 GB; binaries (stripped, -s -w):
#     pulumi 117 MiB, pulumi-language-nodejs 16 MiB, plus the 0.5 KB launcher.
#
# Environment for offline runs (see scripts/pulumi-env.sh, which exports the first two and PATH):
#   PULUMI_SKIP_UPDATE_CHECK=true                     no update check against Pulumi's service
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true  a missing plugin fails at once instead of downloading
#   PULUMI_BACKEND_URL=file://<temp dir>              (or projectSettings.backend.url) never the cloud login
#   PULUMI_CONFIG_PASSPHRASE=<anything>               passphrase secrets provider, no prompt
#   PULUMI_HOME=<temp dir>                            recommended: may start empty (pulumi writes workspaces/
#                                                     and logs/ there); keeps ~/.pulumi out of tests
#
# Inputs: PULUMI_CLI_CACHE (cache folder), ENSURE_PULUMI_IGNORE_PATH=1, and the usual Go variables
# (GOPROXY, GOMODCACHE, GOCACHE) which are respected. Needs `go` >= the `go` line of pkg's go.mod.
set -euo pipefail

PULUMI_VERSION=3.276.0
MIN_VERSION=3.139.0

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/pulumi-go-module.sh
source "$SCRIPT_DIR/lib/pulumi-go-module.sh"
LANGHOST_SRC="$SCRIPT_DIR/pulumi-language-nodejs/main.go"
CACHE_DIR=${PULUMI_CLI_CACHE:-$HOME/.cache/ionos-registry-token/pulumi-cli/$PULUMI_VERSION}
BIN_DIR="$CACHE_DIR/bin"
BUILD_DIR="$CACHE_DIR/build"
VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

ENSURE_NAME=ensure-pulumi
# shellcheck source=scripts/lib/cache.sh
source "$SCRIPT_DIR/lib/cache.sh"

# version_ge A B: true when dotted version A >= B (numeric major.minor.patch; suffixes ignored).
version_ge() {
    local a b i
    IFS=. read -r -a a <<<"${1%%[-+]*}"
    IFS=. read -r -a b <<<"${2%%[-+]*}"
    for i in 0 1 2; do
        if ((${a[i]:-0} != ${b[i]:-0})); then
            ((${a[i]:-0} > ${b[i]:-0}))
            return
        fi
    done
}

# cli_version PULUMI: the version `pulumi version` prints (e.g. v3.276.0 -> 3.276.0), or nothing.
cli_version() {
    local out
    out=$(timeout 30 "$1" version 2>/dev/null | head -n 1) || return 0
    if [[ $out =~ ^v?([0-9]+\.[0-9]+\.[0-9]+[^[:space:]]*)$ ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}"
    fi
}

# has_plugin NAME DIR: the engine would find plugin NAME on PATH or in DIR (beside the real pulumi).
has_plugin() {
    command -v "$1" >/dev/null 2>&1 || [[ -x $2/$1 ]]
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# The dynamic-provider launcher, equivalent to the one in the @pulumi/pulumi npm package, but it quotes
# its arguments and says why when @pulumi/pulumi cannot be resolved (the original exits 0 silently and
# the engine then only reports "could not read plugin").
LAUNCHER=$(
    cat <<'EOF'
#!/bin/sh
# pulumi-resource-pulumi-nodejs, written by scripts/ensure-pulumi.sh: starts the Node.js dynamic-provider
# host of the @pulumi/pulumi package that the program directory (the working directory) resolves.
script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || {
    echo "pulumi-resource-pulumi-nodejs: cannot resolve @pulumi/pulumi/cmd/dynamic-provider from $(pwd)" >&2
    exit 1
}
exec node "$script" "$@"
EOF
)

STAMP="$PULUMI_VERSION langhost=$(sha256 "$LANGHOST_SRC") launcher=$(printf '%s' "$LAUNCHER" | sha256sum | cut -d' ' -f1)"

# ---- 1. a usable pulumi already on PATH ---------------------------------------------------------------
if [[ ${ENSURE_PULUMI_IGNORE_PATH:-} != 1 ]] && existing=$(command -v pulumi 2>/dev/null); then
    real_dir=$(dirname "$(readlink -f "$existing")")
    if [[ $real_dir == "$BIN_DIR" ]]; then
        : # that is our own build; check it below like any warm run
    else
        v=$(cli_version "$existing")
        if [[ -n $v ]] && version_ge "$v" "$MIN_VERSION" &&
            has_plugin pulumi-language-nodejs "$real_dir" && has_plugin pulumi-resource-pulumi-nodejs "$real_dir"; then
            log "using pulumi $v at $existing"
            dirname "$existing"
            exit 0
        fi
        log "ignoring pulumi at $existing (version '${v:-unknown}', need >= $MIN_VERSION with pulumi-language-nodejs and pulumi-resource-pulumi-nodejs)"
    fi
fi

# ---- 2. warm cache ----------------------------------------------------------------------------------
is_warm() {
    [[ -x $BIN_DIR/pulumi && -x $BIN_DIR/pulumi-language-nodejs && -x $BIN_DIR/pulumi-resource-pulumi-nodejs ]] &&
        [[ -f $CACHE_DIR/stamp && $(<"$CACHE_DIR/stamp") == "$STAMP" ]] &&
        [[ $(cli_version "$BIN_DIR/pulumi") == "$PULUMI_VERSION" ]]
}
exit_if_warm "$BIN_DIR" "pulumi $PULUMI_VERSION ready in $BIN_DIR"

# ---- 3. build ---------------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 ||
    die "no usable pulumi on PATH and no 'go' to build one: install Pulumi CLI >= $MIN_VERSION, or Go (see the go line of github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION's go.mod)"

mkdir -p "$BIN_DIR" "$BUILD_DIR/langhost"
lock_cache "$CACHE_DIR/.lock" "$BIN_DIR"

# Leftovers of a build that was killed (SIGKILL skips the cleanup trap); we hold the lock, so none is live.
rm -f "$BIN_DIR"/.*.tmp.*

export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
LDFLAGS="-s -w -X $VERSION_VAR=v$PULUMI_VERSION"
tmp_files=()
cleanup() { rm -f "${tmp_files[@]}"; }
trap cleanup EXIT

# build_into DEST PACKAGE: go build PACKAGE (in the generated module) to DEST atomically.
build_into() {
    local dest=$1 pkg=$2 tmp
    tmp="$(dirname "$dest")/.$(basename "$dest").tmp.$$"
    tmp_files+=("$tmp")
    (cd "$BUILD_DIR" && go build -trimpath -ldflags "$LDFLAGS" -o "$tmp" "$pkg") >&2
    mv -f "$tmp" "$dest"
}

start=$SECONDS
log "building pulumi v$PULUMI_VERSION with $(go version | cut -d' ' -f3) into $BIN_DIR (cold: about 4 min on 2 cores, 280 MB of modules)"

if [[ $(cli_version "$BIN_DIR/pulumi") != "$PULUMI_VERSION" ]] || [[ ! -f $BUILD_DIR/go.mod ]]; then
    write_pulumi_go_module "$BUILD_DIR" ionos-registry-token.local/pulumi-cli-build "$PULUMI_VERSION" ensure-pulumi
    build_into "$BIN_DIR/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    log "built pulumi ($((SECONDS - start)) s)"
fi

cp "$LANGHOST_SRC" "$BUILD_DIR/langhost/main.go"
build_into "$BIN_DIR/pulumi-language-nodejs" ./langhost
log "built pulumi-language-nodejs ($((SECONDS - start)) s)"

launcher_tmp="$BIN_DIR/.pulumi-resource-pulumi-nodejs.tmp.$$"
tmp_files+=("$launcher_tmp")
printf '%s\n' "$LAUNCHER" >"$launcher_tmp"
chmod 755 "$launcher_tmp"
mv -f "$launcher_tmp" "$BIN_DIR/pulumi-resource-pulumi-nodejs"

got=$(cli_version "$BIN_DIR/pulumi")
[[ $got == "$PULUMI_VERSION" ]] || die "built pulumi reports version '$got', expected $PULUMI_VERSION"
printf '%s\n' "$STAMP" >"$CACHE_DIR/stamp"
log "pulumi $PULUMI_VERSION ready in $BIN_DIR ($((SECONDS - start)) s)"
printf '%s\n' "$BIN_DIR"
