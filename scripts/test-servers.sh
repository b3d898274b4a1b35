#!/usr/bin/env bash
# Start real test servers on loopback: PostgreSQL for Backstage's
# TestDatabases, Redis for the cache store.
#
#   scripts/test-servers.sh [start] [--only pg15|pg17|redis|pg15,redis...]
#   scripts/test-servers.sh stop    [--only ...]
#   scripts/test-servers.sh status  [--only ...]
#   scripts/test-servers.sh env          # print the exports of running servers
#
# Servers (listening on 127.0.0.1 only; PostgreSQL with trust auth for user
# `postgres`):
#   pg15   PostgreSQL 15 from the host's Debian bookworm packages, port 54315
#   pg17   PostgreSQL 17 + pgvector 0.8 from Debian trixie in a chroot, port 54317
#   redis  Redis from the host's Debian `redis-server` package, port 56379,
#          no persistence, run as the `redis` user
#
# There is no Docker here, and bookworm has no pgvector package, so pg17 runs
# from a `debootstrap`ped trixie root. Trixie is never added to the host's apt
# sources: the chroot gets its own package database.
#
# `start` is idempotent: servers already running are reused. Progress goes to
# stderr; stdout carries only `export ...` lines (also written to
# $STATE_DIR/env), so both of these work:
#   eval "$(scripts/test-servers.sh)"
#   scripts/test-servers.sh >/dev/null && . "$STATE_DIR/env"
#
# Everything (data dirs, the trixie root, logs, pid files) lives in STATE_DIR,
# $DOCUCHAT_TEST_SERVERS_DIR or /var/tmp/docuchat-test-servers: outside the
# work tree, because the chroot has /proc mounted and tools that walk the tree
# (prettier, eslint, file watchers) must never descend into it. Clones on the
# same machine share it. Needs root (apt-get, chroot, mount).

set -Eeuo pipefail

STATE_DIR="${DOCUCHAT_TEST_SERVERS_DIR:-/var/tmp/docuchat-test-servers}"
ENV_FILE="$STATE_DIR/env"
LOCK_FILE="$STATE_DIR/.lock"

PG15_PORT=54315
PG15_BIN=/usr/lib/postgresql/15/bin
PG15_DATA="$STATE_DIR/pg15/data"
PG15_LOG="$STATE_DIR/pg15.log"

PG17_PORT=54317
PG17_BIN=/usr/lib/postgresql/17/bin   # path inside the chroot
PG17_DATA=/var/lib/pgtest             # path inside the chroot
PG17_LOG="$STATE_DIR/pg17.log"
CHROOT="$STATE_DIR/trixie"
CHROOT_SUITE=trixie
CHROOT_MARKER="$CHROOT/.test-servers-complete"
DEBOOTSTRAP_LOG="$STATE_DIR/debootstrap.log"
APT_LOG="$STATE_DIR/apt.log"

REDIS_PORT=56379
REDIS_DIR="$STATE_DIR/redis"          # working dir, owned by the redis user
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$STATE_DIR/redis.log"

ALL_SERVERS=(pg15 pg17 redis)

# ---------------------------------------------------------------------------
# Messages and failure handling

log() { echo "[test-servers] $*" >&2; }

# die MESSAGE [LOGFILE...]: explain, show the end of the relevant logs, exit 1.
die() {
  local msg="$1"
  shift
  local f
  for f in "$@"; do
    if [[ -s "$f" ]]; then
      echo "----- last lines of $f -----" >&2
      tail -n 30 "$f" >&2
      echo "-----" >&2
    fi
  done
  echo "[test-servers] ERROR: $msg" >&2
  exit 1
}

# Anything failing outside an explicit check still says where it failed.
trap 'echo "[test-servers] ERROR: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

usage() {
  sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

# ---------------------------------------------------------------------------
# Host packages

APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED == 0 ]]; then
    log "apt-get update (log: $APT_LOG)"
    apt-get update >>"$APT_LOG" 2>&1 || die "apt-get update failed" "$APT_LOG"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
    >>"$APT_LOG" 2>&1 || die "apt-get install $* failed" "$APT_LOG"
}

# ---------------------------------------------------------------------------
# Small helpers shared by both servers

# Run a PostgreSQL 15 binary as the host's postgres user (postgres refuses to
# run as root). `cd /` because postgres may not be able to read root's cwd.
pg15_run() {
  local bin="$1"
  shift
  (cd / && runuser -u postgres -- "$PG15_BIN/$bin" "$@")
}

# Run a command inside the trixie chroot with a clean environment, so the
# host's locale and PATH settings do not leak in.
chroot_run() {
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 HOME=/root chroot "$CHROOT" "$@"
}

# Run a PostgreSQL 17 binary inside the chroot as the chroot's postgres user.
pg17_run() {
  local bin="$1"
  shift
  chroot_run runuser -u postgres -- "$PG17_BIN/$bin" "$@"
}

# Settings appended to postgresql.conf. Durability is traded for speed since
# test data is throw-away; no unix socket so long repo paths and a missing
# /var/run/postgresql don't matter (everything connects over TCP); extra
# connections because parallel jest workers each open their own knex pools.
server_conf() {
  cat <<EOF

# --- added by scripts/test-servers.sh ---
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_ready RUNNER PORT: pg_ctl -w already waited; this double-checks that
# the TCP listener really accepts connections before we hand it out.
wait_ready() {
  local runner="$1" port="$2" i
  for ((i = 0; i < 60; i++)); do
    "$runner" pg_isready -q -h 127.0.0.1 -p "$port" && return 0
    sleep 0.5
  done
  return 1
}

# sql RUNNER PORT [psql args...]: run psql as superuser postgres over TCP.
sql() {
  local runner="$1" port="$2"
  shift 2
  "$runner" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"
}

# start_server NAME RUNNER PORT DATADIR LOG: start unless already running.
# DATADIR is as seen by RUNNER (i.e. a chroot path for pg17).
start_server() {
  local name="$1" runner="$2" port="$3" data="$4" logfile="$5"
  if "$runner" pg_ctl status -D "$data" >/dev/null 2>&1; then
    log "$name: already running, reusing it"
  else
    if port_in_use "$port"; then
      die "$name: port $port is already taken by another process (not our server in $data)"
    fi
    log "$name: starting on 127.0.0.1:$port (log: $logfile)"
    echo "===== $(date -Is) starting $name =====" >>"$logfile"
    # No -l: the server inherits this redirect, so the log sits on the host
    # even for the chroot. `9>&-` keeps the lock fd out of the long-lived
    # postmaster, otherwise the next run would wait on the lock forever.
    "$runner" pg_ctl start -w -t 60 -D "$data" >>"$logfile" 2>&1 9>&- ||
      die "$name: pg_ctl start failed" "$logfile"
  fi
  wait_ready "$runner" "$port" ||
    die "$name: server process exists but is not accepting connections on port $port (if it was just killed, retry in a few seconds)" "$logfile"
}

stop_server() {
  local name="$1" runner="$2" data="$3" logfile="$4"
  if "$runner" pg_ctl status -D "$data" >/dev/null 2>&1; then
    log "$name: stopping"
    "$runner" pg_ctl stop -w -t 60 -m fast -D "$data" >>"$logfile" 2>&1 ||
      die "$name: pg_ctl stop failed" "$logfile"
  else
    log "$name: not running"
  fi
}

# ---------------------------------------------------------------------------
# pg15: host packages, data dir in $STATE_DIR/pg15

pg15_ensure_installed() {
  [[ -x $PG15_BIN/postgres ]] || apt_install postgresql-15
  getent passwd postgres >/dev/null || die "pg15: user 'postgres' is missing although $PG15_BIN exists"
}

pg15_ensure_initdb() {
  [[ -f $PG15_DATA/PG_VERSION ]] && return 0
  local tmp="$PG15_DATA.tmp"
  log "pg15: initdb $PG15_DATA"
  rm -rf "$tmp"
  # The parent must belong to postgres too, so the server can create files.
  install -d -o postgres -g postgres -m 700 "$(dirname "$PG15_DATA")" "$tmp"
  # initdb into a temp dir and rename at the end, so an interrupted run never
  # leaves a half-made data dir that looks usable.
  pg15_run initdb -D "$tmp" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >>"$PG15_LOG" 2>&1 || die "pg15: initdb failed" "$PG15_LOG"
  server_conf "$PG15_PORT" >>"$tmp/postgresql.conf"
  mv "$tmp" "$PG15_DATA"
}

pg15_start() {
  pg15_ensure_installed
  pg15_ensure_initdb
  start_server pg15 pg15_run "$PG15_PORT" "$PG15_DATA" "$PG15_LOG"
  local version
  version="$(sql pg15_run "$PG15_PORT" -d postgres -c 'SHOW server_version')" ||
    die "pg15: cannot query the server" "$PG15_LOG"
  [[ $version == 15.* ]] || die "pg15: expected PostgreSQL 15, got $version"
  log "pg15: ready, PostgreSQL $version"
}

pg15_stop() {
  [[ -x $PG15_BIN/pg_ctl && -d $PG15_DATA ]] || { log "pg15: not set up"; return 0; }
  stop_server pg15 pg15_run "$PG15_DATA" "$PG15_LOG"
}

pg15_running() {
  [[ -x $PG15_BIN/pg_ctl && -d $PG15_DATA ]] && pg15_run pg_ctl status -D "$PG15_DATA" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# pg17: trixie chroot in $STATE_DIR/trixie

# The Debian mirror the host already uses: the first deb source (one-line
# .list or deb822 .sources) that serves the host's own release codename, so
# security/updates archives are skipped. TEST_SERVERS_DEBIAN_MIRROR overrides.
host_debian_mirror() {
  if [[ -n ${TEST_SERVERS_DEBIAN_MIRROR:-} ]]; then
    echo "$TEST_SERVERS_DEBIAN_MIRROR"
    return
  fi
  local codename
  # shellcheck source=/dev/null
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
  local files=()
  shopt -s nullglob
  files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  shopt -u nullglob
  local f mirror
  for f in "${files[@]}"; do
    [[ -f $f ]] || continue
    if [[ $f == *.sources ]]; then
      mirror="$(awk -v want="$codename" '
        # exit runs END, which calls flush() again: "found" stops a 2nd print.
        function flush(  n, i, s, u) {
          if (!found && types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
            n = split(suites, s, /[ \t]+/)
            for (i = 1; i <= n; i++)
              if (s[i] == want) { split(uris, u, /[ \t]+/); print u[1]; found = 1; exit }
          }
          types = uris = suites = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val) }
        key == "types:" { types = val }
        key == "uris:" { uris = val }
        key == "suites:" { suites = val }
        key == "enabled:" { enabled = val }
        END { flush() }' "$f")"
    else
      mirror="$(awk -v want="$codename" '
        /^[ \t]*#/ { next }
        { sub(/\[[^]]*\]/, "") }
        $1 == "deb" && $3 == want { print $2; exit }' "$f")"
    fi
    if [[ $mirror == http://* || $mirror == https://* ]]; then
      echo "${mirror%/}"
      return
    fi
  done
  die "no Debian mirror for '$codename' found in /etc/apt/sources.list{,.d}; set TEST_SERVERS_DEBIAN_MIRROR"
}

# Paths of everything mounted at or below DIR, deepest first.
mounts_under() {
  local dir="$1"
  findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r
}

chroot_unmount_all() {
  local m
  while read -r m; do
    [[ -n $m ]] || continue
    umount "$m" || die "pg17: cannot unmount $m (still in use?)"
  done < <(mounts_under "$CHROOT")
}

chroot_ensure_built() {
  [[ -f $CHROOT_MARKER ]] && return 0
  command -v debootstrap >/dev/null || apt_install debootstrap
  local mirror
  mirror="$(host_debian_mirror)"
  if [[ -e $CHROOT ]]; then
    # Only an interrupted debootstrap gets here, but never delete a data dir
    # under a running server (e.g. if someone removed the marker by hand).
    [[ ! -e $CHROOT$PG17_DATA/postmaster.pid ]] ||
      die "pg17: $CHROOT has no completion marker but a server pid file; stop it first"
    log "pg17: removing incomplete chroot $CHROOT"
    chroot_unmount_all
    # --one-file-system: never follow a mount we failed to notice into the host.
    rm -rf --one-file-system "$CHROOT"
  fi
  log "pg17: debootstrap $CHROOT_SUITE from $mirror (~700 MB; log: $DEBOOTSTRAP_LOG)"
  debootstrap --variant=minbase --include=postgresql-17-pgvector \
    "$CHROOT_SUITE" "$CHROOT" "$mirror" >"$DEBOOTSTRAP_LOG" 2>&1 ||
    die "pg17: debootstrap failed" "$DEBOOTSTRAP_LOG" "$CHROOT/debootstrap/debootstrap.log"
  # debootstrap may leave its own mounts behind when interrupted; and the
  # downloaded .debs are ~1/4 of the size and never needed again.
  chroot_unmount_all
  rm -f "$CHROOT"/var/cache/apt/archives/*.deb
  [[ -x $CHROOT$PG17_BIN/postgres ]] || die "pg17: debootstrap finished but $PG17_BIN/postgres is missing" "$DEBOOTSTRAP_LOG"
  touch "$CHROOT_MARKER"
}

# What a PostgreSQL server needs from the kernel inside the chroot: /proc, the
# basic device nodes, and a tmpfs at /dev/shm for POSIX dynamic shared memory.
chroot_ensure_mounts() {
  mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
  mkdir -p "$CHROOT/dev/shm"
  mountpoint -q "$CHROOT/dev/shm" || mount -t tmpfs -o mode=1777,nosuid,nodev shm "$CHROOT/dev/shm"
  # debootstrap normally mknods these, but inside containers it bind-mounts
  # them temporarily and leaves plain files behind; make sure they're real.
  local dev major minor
  for dev in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
    IFS=: read -r dev major minor <<<"$dev"
    [[ -c $CHROOT/dev/$dev ]] && continue
    rm -f "$CHROOT/dev/$dev"
    if ! mknod -m 666 "$CHROOT/dev/$dev" c "$major" "$minor" 2>/dev/null; then
      touch "$CHROOT/dev/$dev"
      mount --bind "/dev/$dev" "$CHROOT/dev/$dev"
    fi
  done
}

pg17_ensure_initdb() {
  [[ -f $CHROOT$PG17_DATA/PG_VERSION ]] && return 0
  local tmp="$PG17_DATA.tmp"
  log "pg17: initdb $PG17_DATA (inside the chroot)"
  rm -rf "$CHROOT$tmp"
  chroot_run install -d -o postgres -g postgres -m 700 "$tmp"
  pg17_run initdb -D "$tmp" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >>"$PG17_LOG" 2>&1 || die "pg17: initdb failed" "$PG17_LOG"
  server_conf "$PG17_PORT" >>"$CHROOT$tmp/postgresql.conf"
  mv "$CHROOT$tmp" "$CHROOT$PG17_DATA"
}

# Prove that what tests need works: a superuser that can create a database
# and `CREATE EXTENSION vector` in it, with pgvector 0.8.x.
pg17_verify() {
  local probe=test_servers_probe version vector
  version="$(sql pg17_run "$PG17_PORT" -d postgres -c 'SHOW server_version')" ||
    die "pg17: cannot query the server" "$PG17_LOG"
  [[ $version == 17.* ]] || die "pg17: expected PostgreSQL 17, got $version"
  sql pg17_run "$PG17_PORT" -d postgres \
    -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $probe" -c "CREATE DATABASE $probe" ||
    die "pg17: CREATE DATABASE failed" "$PG17_LOG"
  vector="$(sql pg17_run "$PG17_PORT" -d "$probe" -c 'CREATE EXTENSION vector' \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")" ||
    die "pg17: CREATE EXTENSION vector failed" "$PG17_LOG"
  sql pg17_run "$PG17_PORT" -d postgres -c "DROP DATABASE $probe"
  [[ $vector == 0.8.* ]] || die "pg17: expected pgvector 0.8.x, got '$vector'"
  log "pg17: ready, PostgreSQL $version with pgvector $vector"
}

pg17_start() {
  chroot_ensure_built
  chroot_ensure_mounts
  pg17_ensure_initdb
  start_server pg17 pg17_run "$PG17_PORT" "$PG17_DATA" "$PG17_LOG"
  pg17_verify
}

pg17_stop() {
  if [[ -f $CHROOT_MARKER && -d $CHROOT$PG17_DATA ]]; then
    stop_server pg17 pg17_run "$PG17_DATA" "$PG17_LOG"
  else
    log "pg17: not set up"
  fi
  chroot_unmount_all
}

pg17_running() {
  [[ -f $CHROOT_MARKER && -d $CHROOT$PG17_DATA ]] && pg17_run pg_ctl status -D "$PG17_DATA" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# redis: host package, throw-away server (nothing is ever written to disk)

redis_ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || apt_install redis-server
  getent passwd redis >/dev/null || die "redis: user 'redis' is missing although redis-server is installed"
}

redis_cli() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

# Our server, not just any process that reuses a stale pid.
redis_running() {
  [[ -f $REDIS_PID ]] || return 1
  local pid
  pid="$(<"$REDIS_PID")"
  [[ $pid =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]]
}

redis_start() {
  redis_ensure_installed
  if redis_running; then
    log "redis: already running, reusing it"
  else
    if port_in_use "$REDIS_PORT"; then
      die "redis: port $REDIS_PORT is already taken by another process (not our server in $REDIS_DIR)"
    fi
    # Not root: a Redis client may run CONFIG SET dir / SAVE, which would
    # then write files anywhere as root.
    install -d -o redis -g redis -m 750 "$REDIS_DIR"
    touch "$REDIS_LOG"
    chown redis:redis "$REDIS_LOG"
    rm -f "$REDIS_PID"
    log "redis: starting on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
    echo "===== $(date -Is) starting redis =====" >>"$REDIS_LOG"
    # Cache contents are throw-away: no RDB snapshots, no AOF. `9>&-` keeps
    # the lock fd out of the daemon (see start_server).
    (cd "$REDIS_DIR" && runuser -u redis -- redis-server \
      --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
      --save '' --appendonly no --dir "$REDIS_DIR" \
      --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_LOG") 9>&- ||
      die "redis: redis-server failed to start" "$REDIS_LOG"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    [[ "$(redis_cli ping 2>/dev/null)" == PONG ]] && break
    sleep 0.5
  done
  [[ "$(redis_cli ping 2>/dev/null)" == PONG ]] ||
    die "redis: not answering PING on port $REDIS_PORT" "$REDIS_LOG"
  local version
  version="$(redis_cli info server | tr -d '\r' | sed -n 's/^redis_version://p')"
  log "redis: ready, Redis $version"
}

redis_stop() {
  if ! redis_running; then
    log "redis: not running"
    return 0
  fi
  log "redis: stopping"
  local pid i
  pid="$(<"$REDIS_PID")"
  redis_cli shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$REDIS_PID"; return 0; }
    sleep 0.5
  done
  die "redis: pid $pid did not exit" "$REDIS_LOG"
}

# ---------------------------------------------------------------------------
# Output

env_line() {
  case "$1" in
    pg15) echo "export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PG15_PORT" ;;
    pg17) echo "export BACKSTAGE_TEST_DATABASE_POSTGRES17_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PG17_PORT" ;;
    redis) echo "export DOCUCHAT_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT" ;;
  esac
}

# The env file lists every server that is running now, whatever --only said,
# so sourcing it never points tests at a stopped server.
write_env_file() {
  local s
  {
    echo "# Written by scripts/test-servers.sh; source it to use the running test servers."
    for s in "${ALL_SERVERS[@]}"; do
      if "${s}_running"; then env_line "$s"; fi
    done
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------
# Main

main() {
  local command=start selected=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      start | stop | status | env) command="$1" ;;
      --only) [[ $# -ge 2 ]] || die "--only needs a value (pg15, pg17, redis)"; IFS=, read -ra selected <<<"$2"; shift ;;
      --only=*) IFS=, read -ra selected <<<"${1#--only=}" ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
  done
  [[ ${#selected[@]} -gt 0 ]] || selected=("${ALL_SERVERS[@]}")
  local s
  for s in "${selected[@]}"; do
    [[ $s == pg15 || $s == pg17 || $s == redis ]] || die "unknown server '$s' (known: ${ALL_SERVERS[*]})"
  done

  if [[ $command == env ]]; then
    if [[ -f $ENV_FILE ]]; then grep '^export ' "$ENV_FILE" || true; fi
    return 0
  fi

  [[ $(id -u) == 0 ]] || die "must run as root (it uses apt-get, chroot and mount)"
  mkdir -p "$STATE_DIR"
  # One run at a time: a second caller (e.g. a parallel CI step) waits here
  # and then finds the servers running.
  exec 9>"$LOCK_FILE"
  flock 9

  case "$command" in
    start)
      for s in "${selected[@]}"; do "${s}_start"; done
      write_env_file
      cat "$ENV_FILE"
      ;;
    stop)
      for s in "${selected[@]}"; do "${s}_stop"; done
      write_env_file
      ;;
    status)
      local rc=0
      for s in "${selected[@]}"; do
        if "${s}_running"; then echo "$s: running ($(env_line "$s" | cut -d= -f2-))"; else echo "$s: stopped"; rc=3; fi
      done
      exit "$rc" # exit, not return: a non-zero return would trip the ERR trap
      ;;
  esac
}

main "$@"
