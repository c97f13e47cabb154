#!/usr/bin/env bash
# ensure-registry-tools.sh: make sure Docker Distribution's registry server (`docker-registry` or `registry`) and
# skopeo are on PATH; print the registry binary's path as the LAST line of stdout (progress goes to stderr).
# `ionos-registry-emulator --serve-registry`, its tests and `npm start` use them.
#
# When they are missing and this runs as root with apt-get (Debian, Ubuntu, CI), it installs the packages
# `docker-registry` (Docker Distribution 2.8) and `skopeo`; anywhere else it says how to get them and fails.
set -euo pipefail

ENSURE_NAME=ensure-registry-tools
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

registry_binary() { command -v docker-registry || command -v registry || true; }
ready() { [[ -n "$(registry_binary)" ]] && command -v skopeo >/dev/null; }

if ! ready; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "Docker Distribution 2.8 and skopeo are needed: as root on Debian or Ubuntu, apt-get install docker-registry skopeo; elsewhere put a Distribution 2.8 release's registry binary and skopeo (your distribution's package, or brew install skopeo) on PATH"
    fi
    log "installing docker-registry and skopeo with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends docker-registry skopeo >&2; }
    # Package lists may be missing on a fresh machine: fetch them once and retry.
    apt_install || { apt-get update -q -o DPkg::Lock::Timeout=300 >&2 && apt_install; }
    ready || die "apt-get finished, but docker-registry or skopeo is still not on PATH"
fi
log "registry server $(registry_binary), $(skopeo --version)"
registry_binary
