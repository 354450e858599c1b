#!/usr/bin/env bash
# scripts/pg.sh start|stop|url -- a throwaway PostgreSQL server for the test suite (Debian packages).
# As root the server runs as the `postgres` user (initdb refuses root); as anyone else it runs as you.
# Data lives in $PGTMP (default /tmp/legdx-pg); durability is switched off because it is thrown away.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
PGPORT=${PGPORT:-55432}
PGTMP=${PGTMP:-/tmp/legdx-pg}
if [ -z "$PGBIN" ]; then echo "pg.sh: PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; fi
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
case "${1:-}" in
start)
  "$0" stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"; mkdir -p "$PGTMP"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
  as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log"
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE legdx" >/dev/null
  echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/legdx" ;;
stop)
  if [ -d "$PGTMP/data" ]; then as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$PGTMP" ;;
url)
  echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/legdx" ;;
*)
  echo "usage: scripts/pg.sh start|stop|url" >&2; exit 2 ;;
esac
