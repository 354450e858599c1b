#!/usr/bin/env bash
# Create .venv and install legdx with the extras named in $LEGDX_EXTRAS (default: the main job's).
# Idempotent: re-running only installs what is missing. Uses uv (fetched from PyPI) for speed.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${LEGDX_EXTRAS:-web,nlp}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
.venv/bin/uv pip install --quiet -p .venv/bin/python -e ".[${EXTRAS}]"
