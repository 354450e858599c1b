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
# Compile bytecode at install: with PYTHONDONTWRITEBYTECODE set (as on these machines) every start would
# otherwise compile hundreds of modules from source (about 2.5 s of the web app's start-up).
.venv/bin/uv pip install --quiet --compile-bytecode -p .venv/bin/python -e ".[${EXTRAS}]"
.venv/bin/python -m compileall -q src >/dev/null
