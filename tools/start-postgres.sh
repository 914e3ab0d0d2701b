#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's, 15 or newer) on 127.0.0.1 for the sync server's tests and
# prints its DATABASE_URL. initdb refuses root, so it runs as the postgres user, in a temporary
# folder, trusting only loopback connections. `tools/start-postgres.sh stop DIR` stops it.
set -euo pipefail
if [ "${1:-}" = stop ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then
  echo "start-postgres: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
# A free loopback port, unless one is asked for.
PORT=${PGPORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
DIR=$(mktemp -d /tmp/baseplate-pg-XXXXXX)
chown postgres: "$DIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -o "-h 127.0.0.1 -p $PORT -k $DIR" -l "$DIR/log" -w start >/dev/null; then
  echo "start-postgres: PostgreSQL did not start on 127.0.0.1:$PORT; its log:" >&2
  cat "$DIR/log" >&2
  rm -rf "$DIR"
  exit 1
fi
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" baseplate_test
echo "$DIR" > "${PG_DIR_FILE:-/dev/null}"
echo "postgres://postgres@127.0.0.1:$PORT/baseplate_test"
