#!/usr/bin/env bash
# ensure-arm64-emulation.sh: make sure this x86-64 machine can run linux-arm64 executables under QEMU's user-mode
# emulation: `qemu-aarch64-static` and the arm64 C and C++ runtime libraries the official Node.js binary links
# (glibc, libstdc++, libgcc, libatomic). The release tests run the linux-arm64 plugin executable this way.
# Prints two lines last on stdout: the emulator's path, then the folder to pass as its `-L` (the arm64 libraries).
#
# When they are missing and this runs as root with apt-get (Debian, Ubuntu, CI), it installs qemu-user-static and
# Debian's arm64 cross runtime packages; anywhere else it says how to get them and fails.
set -euo pipefail

ENSURE_NAME=ensure-arm64-emulation
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

SYSROOT=/usr/aarch64-linux-gnu
PACKAGES=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libatomic1-arm64-cross)
ready() {
    command -v qemu-aarch64-static >/dev/null &&
        [[ -f $SYSROOT/lib/ld-linux-aarch64.so.1 && -f $SYSROOT/lib/libstdc++.so.6 && -f $SYSROOT/lib/libatomic.so.1 ]]
}

if ! ready; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "running linux-arm64 executables here needs qemu-aarch64-static and arm64 runtime libraries in $SYSROOT: as root on Debian or Ubuntu, apt-get install ${PACKAGES[*]}"
    fi
    log "installing ${PACKAGES[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${PACKAGES[@]}" >&2; }
    # Package lists may be missing on a fresh machine: fetch them once and retry.
    apt_install || { apt-get update -q -o DPkg::Lock::Timeout=300 >&2 && apt_install; }
    ready || die "apt-get finished, but qemu-aarch64-static or the arm64 libraries are still missing"
fi
command -v qemu-aarch64-static
echo "$SYSROOT"
