#!/usr/bin/env bash
# ensure-python.sh: make sure a Python virtualenv with the Pulumi Python SDK exists; print the venv dir as the LAST
# line of stdout (progress goes to stderr):
#
#   venv=$(scripts/ensure-python.sh | tail -1); "$venv/bin/python" my_automation_program.py
#
# The venv lives in a cache folder outside the repository, one per pinned SDK version:
#   ${PULUMI_PYTHON_CACHE:-$HOME/.cache/ionos-registry-token/python/pulumi-<version>-py<major.minor>}
# and holds, from PyPI: pulumi (the SDK and its Automation API), and setuptools, so that an SDK generated from our
# schema (a setup.py project) installs with `pip install --no-build-isolation <dir>` without reaching PyPI again.
# The SDK's other requirements (packaging, semver) come with pulumi; this script checks that they import.
#
# A venv cannot be moved (its scripts hold absolute paths), so it is created in place under a lock, and a stamp
# written last marks it complete: a run that finds no matching stamp (an interrupted creation, another pin, another
# interpreter) deletes the folder and starts over.
#
# Pinned: pulumi 3.272.0, the newest on PyPI (2026-12-01); setuptools 84.2.1 (the newest). Needs Python >= 3.10,
# pulumi's Requires-Python (PYTHON, else python3; 3.11.7 here). Measured on this 2-core machine: cold (no pip
# cache) 26 s, 51 s with other jobs loading it; the venv takes 85 MB. Warm: 0.4 s (two python starts).
set -euo pipefail

PULUMI_PY_VERSION=3.272.0
SETUPTOOLS_VERSION=84.2.1

PYTHON=${PYTHON:-python3}

ENSURE_NAME=ensure-python
# shellcheck source=scripts/lib/cache.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/cache.sh"

command -v "$PYTHON" >/dev/null 2>&1 || die "no '$PYTHON' on PATH: install Python >= 3.10 (or set PYTHON)"
py_version=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "$PYTHON is $py_version; need >= 3.10"
# One venv per Python line too: two interpreters sharing a folder would delete each other's venv, maybe under a
# running test.
VENV=${PULUMI_PYTHON_CACHE:-$HOME/.cache/ionos-registry-token/python/pulumi-$PULUMI_PY_VERSION-py${py_version%.*}}
STAMP="pulumi==$PULUMI_PY_VERSION setuptools==$SETUPTOOLS_VERSION python=$(command -v "$PYTHON") $py_version"

is_warm() { [[ -x $VENV/bin/python && -f $VENV/.stamp && $(<"$VENV/.stamp") == "$STAMP" ]]; }

exit_if_warm "$VENV" "Pulumi Python SDK $PULUMI_PY_VERSION ready in $VENV"

mkdir -p "$(dirname "$VENV")"
lock_cache "$VENV.lock" "$VENV"

start=$SECONDS
log "creating $VENV with Python $py_version: pulumi==$PULUMI_PY_VERSION from PyPI (cold: about a minute)"
# Only ever delete a venv (or leftovers of one): never a folder PULUMI_PYTHON_CACHE named by mistake.
if [[ -e $VENV && ! -f $VENV/pyvenv.cfg ]] && [[ -n $(ls -A "$VENV") ]]; then
    die "$VENV exists and is not a virtualenv; remove it or set PULUMI_PYTHON_CACHE"
fi
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" >&2
# Quiet pip: its progress would go to stdout, whose last line is our answer.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pulumi==$PULUMI_PY_VERSION" "setuptools==$SETUPTOOLS_VERSION" >&2
got=$("$VENV/bin/python" -c 'import importlib.metadata as m, packaging, semver, pulumi.automation; print(m.version("pulumi"))')
[[ $got == "$PULUMI_PY_VERSION" ]] || die "the venv has pulumi '$got', expected $PULUMI_PY_VERSION"
printf '%s\n' "$STAMP" >"$VENV/.stamp"
log "Pulumi Python SDK $PULUMI_PY_VERSION ready in $VENV ($((SECONDS - start)) s)"
printf '%s\n' "$VENV"
