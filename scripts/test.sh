#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (what CI runs).
# On a fresh Debian machine, as root, it installs chromium (browser tests) and postgresql (storage
# tests on a real server), starts a throwaway PostgreSQL for the run and stops it on exit.
# Under CI=true the browser and PostgreSQL tests must run: they fail rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."
LEGDX_EXTRAS="${LEGDX_EXTRAS:-web,db-postgres,nlp,fhir,dev}" scripts/install.sh

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${need[*]} (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${need[@]}" >/dev/null
  else
    echo "test.sh: ${need[*]} missing and not root; those tests will be skipped (or fail under CI)" >&2
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
