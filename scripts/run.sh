#!/usr/bin/env bash
# Main job: install legdx and run it. Until the web app lands this prints an example assessment.
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,nlp}" scripts/install.sh
.venv/bin/legdx assess docs/examples/claudication.json --format text
