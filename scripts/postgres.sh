#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the store's tests.
#
#   scripts/postgres.sh install                     make sure the server binaries are here
#   scripts/postgres.sh start DIR [--while-pid PID] init a cluster in DIR (e.g. under /tmp),
#                                                   start it on 127.0.0.1 at a free port,
#                                                   print its URL
#   scripts/postgres.sh stop DIR                    stop it and remove DIR
#
# The binaries are taken from PATH (`postgres`, `initdb`, `pg_ctl`), else from Debian's
# `postgresql` package (/usr/lib/postgresql/*/bin), which `install` (and `start`) put
# there with apt-get when neither has them. The cluster trusts every local connection and
# listens on 127.0.0.1 only; its socket is in DIR, so nothing system-wide is touched.
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (the
# package creates it) or else `nobody`.
#
# With `--while-pid PID` a watcher stops the server and removes DIR once PID has exited,
# so a test binary that starts it needs no teardown of its own.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && echo "$found"
}

install() {
  [ -n "$(bin_dir)" ] && return
  command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL binaries and no apt-get to install them"
  echo "postgres.sh: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  [ -n "$(bin_dir)" ] || die "postgresql installed but no initdb/pg_ctl found"
}

# Runs a command as the server's user (itself unless root).
as_server() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  else
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  fi
}

server_owner() {
  if [ "$(id -u)" -ne 0 ]; then id -un; elif id -u postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local dir=${1:-} while_pid=""
  [ -n "$dir" ] || die "usage: postgres.sh start DIR [--while-pid PID]"
  shift
  if [ "${1:-}" = "--while-pid" ]; then
    while_pid=${2:?--while-pid needs a pid}
  fi
  install
  local bin
  bin=$(bin_dir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chown "$(server_owner)" "$dir"
  as_server test -w "$dir" \
    || die "$dir is not reachable by $(server_owner) (a parent is private): use a directory under /tmp"
  as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --no-sync >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -n 3 "$dir/initdb.log")"
  local port="" try
  for try in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$port" && continue
    if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  [ -n "$port" ] || die "the server did not start: $(tail -n 3 "$dir/server.log" 2>/dev/null)"
  if [ -n "$while_pid" ]; then
    # Detached, with no inherited output: the caller's pipe closes when this script ends.
    nohup bash -c '
      while kill -0 "$1" 2>/dev/null; do sleep 1; done
      "$0" stop "$2"
    ' "$0" "$while_pid" "$dir" >/dev/null 2>&1 </dev/null &
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=${1:?usage: postgres.sh stop DIR}
  local bin
  bin=$(bin_dir)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: postgres.sh install | start DIR [--while-pid PID] | stop DIR" ;;
esac
