#!/usr/bin/env bash
# Main job: install legdx and run the web app on http://127.0.0.1:8000/ (foreground; Ctrl-C stops it).
# The database is an embedded SQLite file under $LEGDX_DATA_DIR (default ~/.local/share/legdx);
# set LEGDX_DATABASE_URL=postgresql+psycopg://... to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,nlp}" scripts/install.sh
exec .venv/bin/legdx serve --host "${LEGDX_HOST:-127.0.0.1}" --port "${LEGDX_PORT:-8000}"
