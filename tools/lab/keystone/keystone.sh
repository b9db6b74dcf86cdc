#!/usr/bin/env bash
# Runs a real OpenStack Keystone (Debian's packages) on 127.0.0.1 for the test lab, as our own process with
# all its state in one directory; the Debian service is never left running.
#
#   keystone.sh install              apt-get install keystone + python3-openstackclient, stop/disable the
#                                    package's own service (skipped when already installed)
#   keystone.sh start  <statedir>    initialise <statedir> if needed, start Keystone, wait for it, write
#                                    <statedir>/clouds.yaml (cloud "osk-lab"); no-op when already running
#   keystone.sh stop   <statedir>    stop the recorded process group (TERM, KILL after 10 s)
#   keystone.sh status <statedir>    print running/stopped and the URL (exit 0 running, 3 stopped)
#
# Environment:
#   KEYSTONE_PORT    port on 127.0.0.1 (default 15000); fixed at the first start of a state dir, since the
#                    catalog endpoints carry it
#   KEYSTONE_SERVER  uwsgi (default: Debian's uwsgi, a master and one single-threaded worker, backlog 100) or
#                    wsgiref (the package's keystone-wsgi-public test server, backlog 5); both serve one
#                    request at a time, which is all sqlite allows here
#   KEYSTONE_DATABASE  SQLAlchemy URL of the database (default: sqlite in the state dir); with a server database
#                    (the lab's OpenStack uses its MariaDB) uwsgi serves with KEYSTONE_THREADS threads
#   KEYSTONE_THREADS   uwsgi threads (default 1; more only with KEYSTONE_DATABASE, sqlite cannot share a connection)
#   KEYSTONE_EXTRA_LISTEN  ADDRESS:PORT where uwsgi serves Keystone too, beside 127.0.0.1 (default none); the lab's
#                    OpenStack gives it the tenant network's gateway, so the tenant cluster's pods reach Keystone
#                    as a site's instances reach its public endpoint
#   KEYSTONE_PASSWORD_HASH_ROUNDS  bcrypt rounds for stored passwords (default: Keystone's, 12); the lab's OpenStack
#                    uses bcrypt's minimum, 4, so that each service user's login is not a quarter second of CPU
#
# Use it with: OS_CLIENT_CONFIG_FILE=<statedir>/clouds.yaml openstack --os-cloud osk-lab token issue
# The admin password lives only in <statedir>/admin-password and <statedir>/clouds.yaml (both 0600).
set -euo pipefail

# Debian's tools first: a pyenv or venv python3 on PATH must not shadow the one Keystone is installed into.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
HOST=127.0.0.1
CLOUD=osk-lab
REGION=RegionOne

say() { printf '[keystone] %s\n' "$*" >&2; }
die() { printf '[keystone] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- install ------------------------------------------------------------------------------------------------
installed() { # true when every named package is fully installed
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || return 1
  done
}

disable_package_service() {
  # The package ships a uwsgi service on 0.0.0.0:5000 (8 processes x 32 threads) running from /etc/keystone;
  # we run our own process instead, so the packaged one must be neither running nor enabled.
  local svc
  for svc in keystone apache2; do
    [ -e "/etc/init.d/$svc" ] || [ -e "/lib/systemd/system/$svc.service" ] || continue
    if [ -d /run/systemd/system ]; then
      systemctl disable --now "$svc.service" >/dev/null 2>&1 || say "warning: systemctl disable --now $svc failed"
    else
      # No systemd running: stop through the init script, then drop both the sysv and the systemd links.
      [ -x "/etc/init.d/$svc" ] && { "/etc/init.d/$svc" stop >/dev/null 2>&1 || true; }
      update-rc.d "$svc" disable >/dev/null 2>&1 || true
      deb-systemd-helper disable "$svc.service" >/dev/null 2>&1 || true
    fi
  done
  # The packaged service runs from /etc/keystone/keystone-uwsgi.ini; ours never does. ("[.]" keeps this
  # grep from matching its own command line.)
  if grep -qsaE '/etc/keystone/keystone-uwsgi[.]ini' /proc/[0-9]*/cmdline; then
    die "the Debian keystone service is still running (ps -ef | grep keystone-uwsgi.ini); stop it by hand"
  fi
}

cmd_install() {
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get)"
  local t0 pkgs=(keystone python3-openstackclient) guard=
  t0=$(now)
  if installed "${pkgs[@]}"; then
    say "already installed: $(dpkg-query -W -f='${Package} ${Version}  ' "${pkgs[@]}")"
  else
    # Answer the package's debconf questions up front: no dbconfig database, no admin bootstrap, no endpoint
    # (we do all that ourselves per state dir; the postinst would otherwise talk to the packaged service).
    debconf-set-selections <<'EOF'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
EOF
    # Keep the postinst from starting the packaged service at all; only when no policy is in place already.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      guard=1
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    say "apt-get update"
    apt-get update -qq || die "apt-get update failed"
    say "apt-get install ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" \
      || die "apt-get install ${pkgs[*]} failed"
    if [ -n "$guard" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
  fi
  disable_package_service
  say "installed: $(dpkg-query -W -f='${Package} ${Version}  ' keystone python3-keystone python3-openstackclient uwsgi-core)"
  say "install took $(since "$t0") s"
}

# --- helpers for a state dir --------------------------------------------------------------------------------
require_installed() {
  if ! command -v keystone-manage >/dev/null 2>&1 || [ ! -x /usr/bin/keystone-wsgi-public ]; then
    die "Keystone is not installed; run: $0 install"
  fi
}

set_paths() { # $1: state dir -> absolute paths
  [ -n "${1:-}" ] || usage
  case "$1" in /*) SD=$1 ;; *) SD=$PWD/$1 ;; esac
  SD=${SD%/}
  CONF=$SD/keystone.conf
  PIDF=$SD/keystone.pid
  LOG=$SD/keystone.log
  PWF=$SD/admin-password
  CLOUDS=$SD/clouds.yaml
  PORTF=$SD/port
  UWSGI_INI=$SD/uwsgi.ini
}

load_port() { # the port a state dir was bootstrapped with wins: the catalog endpoints carry it
  if [ -s "$PORTF" ]; then
    PORT=$(<"$PORTF")
    if [ -n "${KEYSTONE_PORT:-}" ] && [ "$KEYSTONE_PORT" != "$PORT" ]; then
      die "$SD was set up for port $PORT (its catalog says so) but KEYSTONE_PORT=$KEYSTONE_PORT; unset it or use a new state dir"
    fi
  else
    PORT=${KEYSTONE_PORT:-15000}
  fi
  case "$PORT" in ''|*[!0-9]*) die "bad port '$PORT'" ;; esac
  URL=http://$HOST:$PORT/v3
}

alive() { # pid $1 exists and is not a zombie (a killed server stays one until init reaps it)
  local rest
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  read -r rest 2>/dev/null <"/proc/$1/stat" || return 1
  rest=${rest##*) }
  [ "${rest%% *}" != Z ]
}

is_ours() { # $1 is a Keystone server of this state dir: uwsgi on our ini, or anything run on our conf
  local -a words
  local w
  # Builtins only (mapfile splits on NUL): this runs for every process on the machine.
  mapfile -d '' -t words 2>/dev/null <"/proc/$1/cmdline" || return 1
  for w in "${words[@]}"; do [ "$w" = "$UWSGI_INI" ] && return 0; done
  mapfile -d '' -t words 2>/dev/null <"/proc/$1/environ" || return 1
  for w in "${words[@]}"; do [ "$w" = "OS_KEYSTONE_CONFIG_FILES=$CONF" ] && return 0; done
  return 1
}

recorded_pid() { # prints the recorded PID if it is alive and ours (not a recycled PID), else nothing
  local pid
  [ -s "$PIDF" ] || return 0
  pid=$(<"$PIDF")
  case "$pid" in ''|*[!0-9]*) return 0 ;; esac
  alive "$pid" && is_ours "$pid" && echo "$pid"
  return 0
}

stray_servers() { # servers of this state dir that are still alive (e.g. after a lost PID file)
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    [ "$pid" != $$ ] && is_ours "$pid" && echo "$pid"
  done
  return 0
}

pgid_of() { # process group of pid $1, read from /proc (procps may be missing)
  local rest
  read -r rest 2>/dev/null <"/proc/$1/stat" || return 0
  rest=${rest##*) }               # drop "pid (comm) ": comm may contain spaces
  read -r _ _ rest _ <<<"$rest"   # state ppid pgrp
  echo "$rest"
}

group_pids() { # PIDs in process group $1 (our server and its workers); builtins only, it runs in a loop
  local stat rest state pgid
  for stat in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null <"$stat" || continue
    rest=${rest##*) }
    read -r state _ pgid _ <<<"$rest"
    if [ "$pgid" = "$1" ] && [ "$state" != Z ]; then stat=${stat#/proc/}; echo "${stat%/stat}"; fi
  done
  return 0
}

answers() { # GET $URL returns 200 (the v3 version document); curl is not a Keystone dependency
  if command -v curl >/dev/null 2>&1; then
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$URL" 2>/dev/null)" = 200 ]
  else
    /usr/bin/python3 -c 'import sys, urllib.request as u; sys.exit(u.urlopen(sys.argv[1], timeout=2).status != 200)' \
      "$URL" 2>/dev/null
  fi
}

port_taken() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# --- start --------------------------------------------------------------------------------------------------
write_conf() {
  # Everything Keystone touches lives under the state dir; nothing is read from /etc/keystone.
  cat >"$CONF" <<EOF
# Generated by tools/lab/keystone/keystone.sh; rewritten on every start.
[DEFAULT]
log_file = $LOG
debug = false
use_stderr = false

[database]
connection = ${KEYSTONE_DATABASE:-sqlite:///$SD/keystone.db}
$( [ -z "${KEYSTONE_PASSWORD_HASH_ROUNDS:-}" ] || printf '\n[identity]\npassword_hash_rounds = %s\n' "$KEYSTONE_PASSWORD_HASH_ROUNDS")

[fernet_tokens]
key_repository = $SD/fernet-keys

[fernet_receipts]
key_repository = $SD/fernet-keys

[credential]
key_repository = $SD/credential-keys

[token]
provider = fernet
expiration = 3600

[cache]
# In-process cache: a GET drops from ~300 ms to ~10 ms. Safe only because one process (with one or more
# threads) serves and nothing else writes the database while it runs.
enabled = true
backend = dogpile.cache.memory

[oslo_policy]
# The policy defaults in code, plus overrides dropped in here; never /etc/keystone's files.
policy_file = $SD/policy.yaml
policy_dirs = $SD/policy.d
EOF
}

write_uwsgi_ini() {
  cat >"$UWSGI_INI" <<EOF
# Generated by tools/lab/keystone/keystone.sh; rewritten on every start.
[uwsgi]
plugins = python3
http-socket = $HOST:$PORT
${KEYSTONE_EXTRA_LISTEN:+http-socket = $KEYSTONE_EXTRA_LISTEN}
wsgi-file = /usr/bin/keystone-wsgi-public
env = OS_KEYSTONE_CONFIG_FILES=$CONF
chdir = $SD
master = true
# One worker, one thread: with sqlite, more threads fail ("SQLite objects created in a thread can only be
# used in that same thread", then "database is locked"), and a second worker keeps a read lock on the
# database so every write in the other one fails with "database is locked".
processes = 1
threads = $THREADS
lazy-apps = true
# SIGTERM means exit (uwsgi's default is a reload), and workers never outlive the master.
die-on-term = true
no-orphans = true
buffer-size = 65535
# uwsgi's http-socket closes the connection after each response; say so, or clients reuse it and get
# "Connection reset by peer" / "Remote end closed connection" on the next request.
add-header = Connection: close
thunder-lock = true
EOF
}

write_clouds() {
  local pw
  pw=$(<"$PWF")
  # printf is a builtin: the password never reaches a command line.
  printf 'clouds:\n  %s:\n    auth:\n      auth_url: %s\n      username: admin\n      password: "%s"\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: %s\n    identity_api_version: 3\n    interface: public\n' \
    "$CLOUD" "$URL" "$pw" "$REGION" >"$CLOUDS.tmp"
  chmod 600 "$CLOUDS.tmp"
  mv -f "$CLOUDS.tmp" "$CLOUDS"
}

kmanage() { # keystone-manage against our conf; its output goes to the log, shown only on failure
  local out
  if ! out=$(keystone-manage --config-file "$CONF" "$@" 2>&1); then
    printf '%s\n' "$out" >>"$LOG"
    die "keystone-manage $1 failed: $(printf '%s\n' "$out" | tail -n 3) (see $LOG)"
  fi
  [ -z "$out" ] || printf '%s\n' "$out" >>"$LOG"
}

init_state() {
  local user group
  user=$(id -un) group=$(id -gn)
  if [ ! -s "$PWF" ]; then
    # A CSPRNG password, written straight to a 0600 file (umask 077); never echoed.
    openssl rand -hex 24 >"$PWF.tmp" || die "openssl rand failed"
    chmod 600 "$PWF.tmp" && mv -f "$PWF.tmp" "$PWF"
  fi
  chmod 600 "$PWF"
  kmanage db_sync
  # fernet_setup/credential_setup would rotate or refuse on a repository that has keys: only on first start.
  if [ -z "$(ls -A "$SD/fernet-keys" 2>/dev/null)" ]; then
    kmanage fernet_setup --keystone-user "$user" --keystone-group "$group"
  fi
  if [ -z "$(ls -A "$SD/credential-keys" 2>/dev/null)" ]; then
    kmanage credential_setup --keystone-user "$user" --keystone-group "$group"
  fi
  if [ ! -e "$SD/.bootstrapped" ]; then
    # The password goes through the environment of this one process (keystone-manage reads
    # OS_BOOTSTRAP_PASSWORD; it has no password-file option), never through argv where ps would show it.
    OS_BOOTSTRAP_PASSWORD=$(<"$PWF") kmanage bootstrap \
      --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
      --bootstrap-admin-url "$URL" --bootstrap-public-url "$URL" --bootstrap-internal-url "$URL"
    printf '%s\n' "$PORT" >"$PORTF"
    : >"$SD/.bootstrapped"
  fi
}

cmd_start() {
  set_paths "${1:-}"
  require_installed
  THREADS=${KEYSTONE_THREADS:-1}
  case "$THREADS" in ''|*[!0-9]*|0) die "KEYSTONE_THREADS must be a positive number, not '$THREADS'" ;; esac
  if [ "$THREADS" != 1 ] && [ -z "${KEYSTONE_DATABASE:-}" ]; then
    die "KEYSTONE_THREADS=$THREADS needs KEYSTONE_DATABASE (sqlite serves one thread only)"
  fi
  umask 077
  local t0 pid server=${KEYSTONE_SERVER:-uwsgi} deadline
  t0=$(now)
  # Refuse a non-empty directory that is not a state dir: we chmod it 0700 and write into it.
  if [ -d "$SD" ] && [ -n "$(ls -A "$SD")" ] && [ ! -e "$CONF" ]; then
    die "$SD is not empty and has no keystone.conf; give a new or an existing state dir"
  fi
  mkdir -p "$SD" || die "cannot create $SD"
  chmod 700 "$SD"
  load_port

  pid=$(recorded_pid)
  if [ -n "$pid" ]; then
    if answers; then say "already running (pid $pid) at $URL"; return 0; fi
    die "pid $pid is alive but $URL does not answer; run: $0 stop $SD"
  fi
  rm -f "$PIDF"
  pid=$(stray_servers | paste -sd ' ' -)
  [ -z "$pid" ] || die "keystone servers of $SD run without a PID file (pids $pid); kill them first"
  if port_taken; then die "port $PORT on $HOST is taken by another process (a new state dir can take another: KEYSTONE_PORT)"; fi

  mkdir -p "$SD/policy.d"
  write_conf
  init_state

  # setsid: the server gets its own process group (pgid = its pid), so stop can take its workers with it.
  case "$server" in
    uwsgi)
      write_uwsgi_ini
      [ -x /usr/bin/uwsgi-core ] || die "uwsgi-core is missing (package uwsgi-core); run: $0 install"
      setsid /usr/bin/uwsgi-core --ini "$UWSGI_INI" </dev/null >>"$LOG" 2>&1 &
      ;;
    wsgiref)
      OS_KEYSTONE_CONFIG_FILES=$CONF setsid /usr/bin/keystone-wsgi-public --host "$HOST" --port "$PORT" \
        </dev/null >>"$LOG" 2>&1 &
      ;;
    *) die "KEYSTONE_SERVER must be uwsgi or wsgiref, not '$server'" ;;
  esac
  pid=$!
  printf '%s\n' "$pid" >"$PIDF"

  deadline=$((SECONDS + 60))
  while ! answers; do
    if ! alive "$pid"; then
      rm -f "$PIDF"
      die "keystone exited during startup; last log lines:
$(tail -n 15 "$LOG")"
    fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.1
  done
  # stop relies on the server leading its own process group (setsid forks instead when it cannot).
  [ "$(pgid_of "$pid")" = "$pid" ] || say "warning: pid $pid does not lead its process group; stop may miss workers"
  if ! answers; then
    say "no answer from $URL within 60 s; stopping it"
    cmd_stop "$SD" || true
    die "keystone did not come up; see $LOG"
  fi
  write_clouds
  say "running (pid $pid, $server) at $URL; answered after $(since "$t0") s"
  say "use: OS_CLIENT_CONFIG_FILE=$CLOUDS openstack --os-cloud $CLOUD token issue"
}

# --- stop / status ------------------------------------------------------------------------------------------
cmd_stop() {
  set_paths "${1:-}"
  local pid left i
  pid=$(recorded_pid)
  if [ -z "$pid" ]; then
    rm -f "$PIDF"
    left=$(stray_servers | paste -sd ' ' -)
    [ -z "$left" ] || die "no live PID file, yet keystone servers of $SD run: pids $left"
    say "not running"
    return 0
  fi
  # start made the server a group leader (setsid), so the group is exactly the server and its workers.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do # 10 s
    [ -z "$(group_pids "$pid")" ] && ! alive "$pid" && break
    sleep 0.1
  done
  if [ -n "$(group_pids "$pid")" ] || alive "$pid"; then
    say "still running after 10 s; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  left=$( (group_pids "$pid"; stray_servers) | sort -u | paste -sd ' ' -)
  [ -z "$left" ] || die "could not stop keystone of $SD: still running: pids $left"
  rm -f "$PIDF"
  # The master was reparented to init, which reaps it on its own time; give it a moment so that ps is
  # clean when we return (a zombie holds no memory, port or file).
  for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  say "stopped (pid $pid and its workers)"
}

cmd_status() {
  set_paths "${1:-}"
  local pid
  [ -d "$SD" ] || { echo "stopped (no state dir $SD)"; return 3; }
  load_port
  pid=$(recorded_pid)
  if [ -n "$pid" ] && answers; then
    echo "running pid=$pid url=$URL"
  elif [ -n "$pid" ]; then
    echo "starting-or-hung pid=$pid url=$URL (not answering)"
    return 1
  elif [ -n "$(stray_servers)" ]; then
    echo "running without a PID file: pids $(stray_servers | paste -sd ' ' -) url=$URL"
    return 1
  else
    echo "stopped url=$URL"
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) usage ;;
esac
