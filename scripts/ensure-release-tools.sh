#!/usr/bin/env bash
# ensure-release-tools.sh: make sure `llvm-strip` is on PATH (the release strips the symbols of the Node.js binaries
# it builds the plugin executables from: GNU strip reads ELF only, LLVM's reads Mach-O too; the release tests read
# the executables with llvm-objdump and llvm-readobj from the same package). Prints llvm-strip's path as the LAST
# line of stdout (progress goes to stderr).
#
# When it is missing and this runs as root with apt-get (Debian, Ubuntu, CI), it installs the package `llvm`;
# anywhere else it says how to get it and fails.
set -euo pipefail

ENSURE_NAME=ensure-release-tools
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

ready() { command -v llvm-strip >/dev/null && command -v llvm-objdump >/dev/null && command -v llvm-readobj >/dev/null; }

if ! ready; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "llvm-strip, llvm-objdump and llvm-readobj are needed: as root on Debian or Ubuntu, apt-get install llvm; elsewhere your distribution's llvm package (or brew install llvm) on PATH"
    fi
    log "installing llvm with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends llvm >&2; }
    # Package lists may be missing on a fresh machine: fetch them once and retry.
    apt_install || { apt-get update -q -o DPkg::Lock::Timeout=300 >&2 && apt_install; }
    ready || die "apt-get finished, but llvm-strip is still not on PATH"
fi
command -v llvm-strip
