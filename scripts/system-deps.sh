#!/usr/bin/env bash
# Install the Debian packages a part of legdx needs, when they are missing (as root; otherwise say so).
#   pdf      Pango and a font, for the PDF handout (WeasyPrint)
#   browser  chromium, for the browser tests
#   postgres PostgreSQL server binaries, for the storage tests on a real server
set -euo pipefail
need=()
for part in "$@"; do
  case "$part" in
    pdf)
      ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
      [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
      ;;
    browser) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    postgres) ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql) ;;
    *) echo "system-deps.sh: unknown part $part" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "system-deps.sh: installing ${need[*]} (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
else
  echo "system-deps.sh: ${need[*]} missing and not root; the parts that need them will not work" >&2
fi
