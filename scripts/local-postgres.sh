#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests (Debian's packages, installed when missing):
#   scripts/local-postgres.sh start DIR   # initdb in DIR (its parent must be traversable, e.g. /tmp), listen on 127.0.0.1:${TEST_PG_PORT:-55432}, print the URL
#   scripts/local-postgres.sh stop DIR
set -euo pipefail
# runuser and PostgreSQL's tools live in sbin directories that a minimal PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
cmd=${1:?start|stop}; dir=${2:?a directory}
port=${TEST_PG_PORT:-55432}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "==> installing Debian's PostgreSQL" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
# PostgreSQL refuses to run as root: use its own account then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
