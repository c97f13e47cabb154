#!/usr/bin/env bash
# on-supported-node.sh COMMAND [ARGS...]: runs COMMAND with a Node.js this project supports first on PATH.
#
# The README's commands (`npm test`, `npm start`, …) go through this, so that they pass on a machine whose own
# Node.js is older than the supported lines (package.json `engines`; @pulumi/pulumi needs 22): then the Node
# line CI's main run uses is taken from the npm registry (scripts/ensure-node.sh, cached outside the
# repository) and put first on PATH for COMMAND and everything it starts, saying so in one line on stderr. A
# supported Node on PATH is used as it is, without a word.
set -euo pipefail

MIN_MAJOR=22
# The line .ci/run's main run uses (MAIN_NODE there).
FALLBACK=24.22.3

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major < MIN_MAJOR)); then
    have=$(node --version 2>/dev/null || echo "no node")
    echo "Node.js $have on PATH is older than the supported $MIN_MAJOR: running with Node.js v$FALLBACK from the npm registry (scripts/ensure-node.sh)." >&2
    # Its progress only when it fails: the line above is the whole story of a run that works.
    log=$(mktemp)
    if ! bin=$("$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ensure-node.sh" "$FALLBACK" 2>"$log" | tail -n 1) || [[ -z $bin ]]; then
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log" # before exec, which no EXIT trap would survive
    export PATH="$bin:$PATH"
fi
exec "$@"
