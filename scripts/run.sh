#!/usr/bin/env bash
# Main job: install legdx and run the web app on http://127.0.0.1:8000/ (foreground; Ctrl-C stops it).
# The database is an embedded SQLite file under $LEGDX_DATA_DIR (default ~/.local/share/legdx);
# set LEGDX_DATABASE_URL=postgresql+psycopg://... to use PostgreSQL instead.
# The PDF handout (extra `report`, WeasyPrint) needs the Pango library and a font; as root on a fresh
# Debian machine this installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,nlp,report}" scripts/install.sh
scripts/system-deps.sh pdf
exec .venv/bin/legdx serve --host "${LEGDX_HOST:-127.0.0.1}" --port "${LEGDX_PORT:-8000}"
