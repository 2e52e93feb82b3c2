#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL server:
#
#     scripts/with-postgres.sh .venv/bin/pytest -n 2
#
# Starts a fresh cluster in a temp folder on a free localhost port, exports
# LOANWATCH_TEST_PG_URL=postgresql+psycopg://loanwatch@127.0.0.1:<port>/postgres for the command,
# and stops and deletes the cluster when the command ends (however it ends). Exits with the
# command's status.
#
# PostgreSQL's programs are looked for in /usr/lib/postgresql/*/bin (Debian), then on PATH. When
# they are missing:
#   - with CI=true (or LOANWATCH_PG_INSTALL=1), as root with apt-get: installs the `postgresql`
#     package (apt-get update && apt-get install -y postgresql);
#   - otherwise the command runs without LOANWATCH_TEST_PG_URL (the PostgreSQL tests skip and
#     say why) -- except with CI=true, where not having a server is an error.
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user (or `nobody`).
set -euo pipefail

log() { echo "with-postgres: $*" >&2; }

truthy() { case "${1:-}" in 1 | true | TRUE | True | yes | on) return 0 ;; *) return 1 ;; esac; }

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

IN_CI=false
truthy "${CI:-}" && IN_CI=true

if [ -n "${LOANWATCH_TEST_PG_URL:-}" ]; then
    log "using the server already given in LOANWATCH_TEST_PG_URL"
    exec "$@"
fi

find_bindir() {
    local d
    # Debian: one folder per major version; take the newest.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    return 1
}

install_postgres() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        log "cannot install PostgreSQL here (needs root and apt-get)"
        return 1
    fi
    log "installing PostgreSQL: apt-get update && apt-get install -y postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Without a server: run the command anyway outside CI (the PostgreSQL tests skip), fail in CI.
without_server() {
    local why=$1
    shift
    if $IN_CI; then
        log "ERROR: no PostgreSQL server for the tests (CI=true): $why"
        exit 1
    fi
    log "WARNING: $why -- running without PostgreSQL: its tests will be skipped"
    trap - EXIT
    [ -n "${PGTMP:-}" ] && rm -rf "$PGTMP"
    exec "$@"
}

BINDIR=""
if ! BINDIR=$(find_bindir); then
    if $IN_CI || truthy "${LOANWATCH_PG_INSTALL:-}"; then
        install_postgres || true
        BINDIR=$(find_bindir) || BINDIR=""
    fi
fi
if [ -z "$BINDIR" ]; then
    without_server "initdb/pg_ctl not found (apt-get install postgresql, or LOANWATCH_PG_INSTALL=1)" "$@"
fi

# Who owns the cluster: initdb refuses root.
RUN_AS=()
PG_USER="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
    if command -v runuser >/dev/null 2>&1; then
        RUN_AS=(runuser -u "$PG_USER" --)
    else
        RUN_AS=(su -s /bin/sh "$PG_USER" -c '"$0" "$@"')
    fi
fi
as_pg() { "${RUN_AS[@]}" "$@"; }

free_port() {
    local py
    py=$(command -v python3 || command -v python)
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# As another user, /tmp rather than a TMPDIR that user may not be able to reach.
TMPBASE="${TMPDIR:-/tmp}"
[ "${#RUN_AS[@]}" -gt 0 ] && TMPBASE=/tmp
PGTMP=$(mktemp -d "$TMPBASE/loanwatch-pg.XXXXXX")
chmod 700 "$PGTMP"
if [ "$PG_USER" != "$(id -un)" ]; then chown "$PG_USER" "$PGTMP"; fi
PGDATA="$PGTMP/data"
PGLOG="$PGTMP/server.log"
STARTED=false

cleanup() {
    local status=$?
    if $STARTED; then
        as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || log "could not stop the server"
        log "stopped PostgreSQL"
    fi
    rm -rf "$PGTMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! as_pg "$BINDIR/initdb" -D "$PGDATA" -U loanwatch --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PGTMP/initdb.log" 2>&1 \
    && ! as_pg "$BINDIR/initdb" -D "$PGDATA" -U loanwatch --auth=trust -E UTF8 --no-locale \
    >"$PGTMP/initdb.log" 2>&1; then
    cat "$PGTMP/initdb.log" >&2
    without_server "initdb failed (as $PG_USER)" "$@"
fi

# A throwaway cluster: durability off, only localhost, its socket in its own folder.
PORT=""
for _ in 1 2 3 4 5; do
    PORT=$(free_port)
    if as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        start >/dev/null 2>&1; then
        STARTED=true
        break
    fi
done
if ! $STARTED; then
    tail -n 30 "$PGLOG" >&2 || true
    without_server "the server did not start (as $PG_USER, see the log above)" "$@"
fi

export LOANWATCH_TEST_PG_URL="postgresql+psycopg://loanwatch@127.0.0.1:$PORT/postgres"
log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (as $PG_USER, in $PGTMP)"

# Not exec: the trap must stop the server after the command.
set +e
"$@"
status=$?
set -e
exit "$status"
