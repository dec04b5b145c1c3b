#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the test suite.
#   scripts/pgtest.sh start DIR PORT   initialise DIR and start a server on 127.0.0.1:PORT
#   scripts/pgtest.sh stop DIR         stop it and remove DIR
# As root the server runs as the "postgres" system user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir=/usr/lib/postgresql/15/bin
[ -x "$bindir/initdb" ] || bindir=$(pg_config --bindir)

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$2 port=$3
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log"
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      start >/dev/null
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    dir=$2
    if [ -d "$dir/data" ]; then as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
