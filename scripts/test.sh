#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (what CI runs).
# On a fresh Debian machine, as root, it installs chromium (browser tests), postgresql (storage
# tests on a real server) and Pango (the PDF handout), and axe-core from npm (accessibility checks),
# starts a throwaway PostgreSQL for the run and stops it on exit.
# Under CI=true the browser and PostgreSQL tests must run: they fail rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,db-postgres,nlp,fhir,report,scale,peer,dev}" scripts/install.sh
scripts/system-deps.sh browser postgres pdf

# axe-core (accessibility checks in the browser tests), from the npm registry, kept inside .venv
AXE=.venv/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix .venv/axe --no-audit --no-fund --silent axe-core@4 >/dev/null
  else
    echo "test.sh: npm is missing; the accessibility tests will be skipped (or fail under CI)" >&2
  fi
fi

if [ -z "${LEGDX_TEST_POSTGRES_URL:-}" ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  export PGTMP="${PGTMP:-/tmp/legdx-pg-$$}"
  trap 'scripts/pg.sh stop' EXIT
  LEGDX_TEST_POSTGRES_URL="$(scripts/pg.sh start)"
  export LEGDX_TEST_POSTGRES_URL
  echo "test.sh: throwaway PostgreSQL at $LEGDX_TEST_POSTGRES_URL" >&2
fi

.venv/bin/legdx kb check
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
