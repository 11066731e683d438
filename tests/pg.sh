#!/usr/bin/env bash
# A throwaway local PostgreSQL 15 server for the register's tests; prints the URL for CHECKER_TEST_PG.
#
#   export CHECKER_TEST_PG="$(tests/pg.sh)"   # install if missing (as root), initialise, start, create the database
#   .venv/bin/python -m pytest tests/test_register.py
#   tests/pg.sh stop                          # stop the server (its data stays for the next start)
#   tests/pg.sh clean                         # stop it and delete its data
#
# Idempotent and quick: a server already running from the same folder is reused, the database is
# created only if missing. Only the URL goes to stdout; messages go to stderr. The server listens on
# 127.0.0.1 and on a Unix socket in its folder, trusts local connections (a test server: keep it off
# shared machines) and runs without fsync. As root, the data folder belongs to the `postgres` user;
# otherwise the server runs as the current user.
#
# Settings: CHECKER_PG_PORT (54329), CHECKER_PG_DIR (/tmp/checker-pg-PORT), CHECKER_PG_DB (checker),
# PG_BIN (the folder of initdb, pg_ctl, postgres; default /usr/lib/postgresql/15/bin).
set -euo pipefail

VERSION=15
PORT=${CHECKER_PG_PORT:-54329}
DIR=${CHECKER_PG_DIR:-/tmp/checker-pg-$PORT}
DB=${CHECKER_PG_DB:-checker}
DATA=$DIR/data
MARK=$DIR/.checker-pg
ACTION=${1:-start}

log() { echo "pg.sh: $*" >&2; }
die() { log "$*"; exit 2; }

case "$ACTION" in start|stop|clean) ;; *) die "usage: $0 [start|stop|clean]" ;; esac
[[ "$PORT" =~ ^[0-9]+$ ]] || die "CHECKER_PG_PORT must be a number"
[[ "$DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "CHECKER_PG_DB must be a plain identifier"

find_bin() {
  local d
  for d in "${PG_BIN:-}" "/usr/lib/postgresql/$VERSION/bin"; do
    if [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if ! BIN=$(find_bin); then
  [ "$ACTION" = start ] || exit 0   # nothing installed, so nothing running
  [ "$(id -u)" = 0 ] || die "PostgreSQL $VERSION is not installed; as root: apt-get install postgresql-$VERSION"
  log "installing PostgreSQL $VERSION (apt-get)"
  (export DEBIAN_FRONTEND=noninteractive
   apt-get update -qq && apt-get install -y -qq --no-install-recommends "postgresql-$VERSION") >&2 \
    || die "apt-get could not install postgresql-$VERSION"
  BIN=$(find_bin) || die "postgresql-$VERSION is installed but /usr/lib/postgresql/$VERSION/bin is incomplete"
fi

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "there is no 'postgres' user to own the server"
  OWNER=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

# one invocation at a time (parallel CI jobs would otherwise race to initialise the folder)
exec 9>"/tmp/checker-pg-$PORT.lock"
flock 9

running() { [ -s "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [ "$ACTION" != start ]; then
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    log "stopped the server in $DATA"
  fi
  if [ "$ACTION" = clean ] && [ -e "$MARK" ]; then
    rm -rf "$DIR"
    log "deleted $DIR"
  fi
  exit 0
fi

if [ ! -s "$DATA/PG_VERSION" ]; then
  if [ -e "$DIR" ] && [ ! -e "$MARK" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    die "$DIR exists and was not made by this script: set CHECKER_PG_DIR to another folder"
  fi
  rm -rf "$DATA"   # an initialisation that did not finish
  mkdir -p "$DIR"
  touch "$MARK"
  chown "$OWNER" "$DIR"
  chmod 700 "$DIR"
  log "initialising a PostgreSQL $VERSION cluster in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null \
    || die "initdb failed"
  cat >>"$DATA/postgresql.conf" <<EOF
# tests/pg.sh: a throwaway test server
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

# the server must not inherit our descriptors: the lock (it would hold it for ever) or a caller's pipe
start_server() (
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start </dev/null >/dev/null
)

if ! running; then
  log "starting the server on 127.0.0.1:$PORT (log: $DIR/server.log)"
  if ! start_server; then
    tail -n 20 "$DIR/server.log" >&2 || true
    die "the server did not start (is port $PORT taken? set CHECKER_PG_PORT)"
  fi
fi

PSQL=("$BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
if [ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  "${PSQL[@]}" -c "CREATE DATABASE \"$DB\"" >/dev/null || die "cannot create the database $DB"
  log "created the database $DB"
fi

echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
