#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,nlp,fhir,dev}" scripts/install.sh
.venv/bin/legdx kb check
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
