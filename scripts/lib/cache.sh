# shellcheck shell=bash
# Sourced by scripts/ensure-*.sh: what every one of them does around its own work. Each prints progress on
# stderr and its answer (a folder) as the last line of stdout; a warm cache answers at once; a cold one is
# filled under a lock, so parallel CI jobs or two terminals never build into the same folder at once.
#
#   ENSURE_NAME=ensure-foo   # set before sourcing: the prefix of every log line
#   is_warm() { …; }         # defined by the script: the cache holds a usable answer
#   exit_if_warm "$ANSWER" "message"   # answers and exits when warm
#   lock_cache "$LOCK_FILE" "$ANSWER"  # from here on alone; exits as warm if another run filled the cache

log() { printf '%s: %s\n' "$ENSURE_NAME" "$*" >&2; }

die() {
    log "ERROR: $*"
    exit 1
}

# exit_if_warm ANSWER [MESSAGE]: when is_warm holds, logs MESSAGE (if any), prints ANSWER and exits 0.
exit_if_warm() {
    if is_warm; then
        [[ -z ${2:-} ]] || log "$2"
        printf '%s\n' "$1"
        exit 0
    fi
}

# lock_cache LOCK_FILE ANSWER: holds an exclusive lock on LOCK_FILE until the script ends (where flock exists),
# then answers at once if another run filled the cache while this one waited.
lock_cache() {
    command -v flock >/dev/null 2>&1 || return 0
    exec 9>"$1"
    flock 9
    exit_if_warm "$2"
}
