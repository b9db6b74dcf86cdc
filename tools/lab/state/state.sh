#!/usr/bin/env bash
# The lab's shared Pulumi state: a real S3 object store on loopback (Versity's S3 gateway over a directory, built
# from its Go module by tools/k8s-tools.sh versitygw) with one versioned bucket, `osk-state`, that every stack of the
# lab fleet keeps its state and locks in. A site's platform team points OSK_BACKEND at its own store the same way.
#
#   tools/lab/state/state.sh up <dir>       start it (generates the credentials on first use), create the bucket
#   tools/lab/state/state.sh env <dir>      print the environment to eval: OSK_BACKEND and where the credentials are
#   tools/lab/state/state.sh status <dir>   the process, its RSS, and whether the bucket answers (exit 1 if not)
#   tools/lab/state/state.sh ls <dir> [prefix]   the bucket's current keys under prefix, as S3 lists them (a deleted
#                                           object of a versioned bucket keeps a file under data/, so never list that)
#   tools/lab/state/state.sh down <dir>     stop it by PID (TERM, KILL after 10 s); keeps the data; idempotent
#   tools/lab/state/state.sh wipe <dir>     down, then remove <dir>
#
# <dir> holds: credentials (0600: the gateway's root key, as an AWS shared-credentials file, profile osk-lab-state),
# curlrc (0600: the same key for curl's signed requests, so it is never on a command line), data/ (the buckets),
# versions/ (old object versions), pid, log. Port: OSK_STATE_PORT (default 17070), 127.0.0.1 only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port=${OSK_STATE_PORT:-17070}
bucket=osk-state
profile=osk-lab-state
endpoint=http://127.0.0.1:$port

say() { printf '[lab-state] %s\n' "$*" >&2; }
die() { printf '[lab-state] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
cmd=$1 dir=$(realpath -m -- "$2")
pidfile=$dir/pid

alive() { local s; s=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1; [ -n "$s" ] && [ "$s" != Z ]; }
ours() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$dir/data"; } # guards against a reused PID
running_pid() { local p; p=$(cat "$pidfile" 2>/dev/null) || return 1; alive "$p" && ours "$p" && echo "$p"; }

# The Pulumi backend URL of the bucket (gocloud's s3blob: path-style addressing, since the gateway has no DNS names).
backend_url() { echo "s3://$bucket?endpoint=$endpoint&s3ForcePathStyle=true&region=us-east-1&profile=$profile"; }

# A request signed with the root key (AWS SigV4); the key comes from curlrc.
s3() { # method path [curl args...]
  local m=$1 p=$2; shift 2
  curl -s -K "$dir/curlrc" -X "$m" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --aws-sigv4 "aws:amz:us-east-1:s3" "$@" "$endpoint$p"
}

urlencode() { # a query value as SigV4 signs it: everything but unreserved characters percent-encoded
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

credentials() { # generated once, never printed
  [ -s "$dir/credentials" ] && [ -s "$dir/curlrc" ] && return 0
  local key secret
  key=osk$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  secret=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077
    printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$profile" "$key" "$secret" >"$dir/credentials"
    printf 'user = "%s:%s"\n' "$key" "$secret" >"$dir/curlrc")
}
root_key() { sed -n "s/^aws_$1 = //p" "$dir/credentials"; }

do_up() {
  local bin p code
  bin=$(bash "$here/../../k8s-tools.sh" --env versitygw | sed -n 's/^export OSK_K8S_BIN=//p') ||
    die "versitygw is not built: run tools/k8s-tools.sh versitygw"
  mkdir -p "$dir/data" "$dir/versions"; chmod 700 "$dir"
  credentials
  if p=$(running_pid); then say "already running (pid $p) on $endpoint"; return 0; fi
  if ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then die "port $port is taken by another process (OSK_STATE_PORT picks another)"; fi
  # The root key goes in through the environment of the gateway alone, not its command line.
  ROOT_ACCESS_KEY=$(root_key access_key_id) ROOT_SECRET_KEY=$(root_key secret_access_key) \
    setsid "$bin/versitygw" --port "127.0.0.1:$port" --quiet posix --versioning-dir "$dir/versions" "$dir/data" \
    >>"$dir/log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    code=$(s3 GET / -o /dev/null -w '%{http_code}' || true)
    [ "$code" = 200 ] && break
    alive "$(cat "$pidfile")" || die "the gateway exited: $(tail -n 5 "$dir/log")"
    sleep 0.1
  done
  [ "$code" = 200 ] || die "the gateway did not answer on $endpoint in 10 s (last HTTP $code); see $dir/log"
  if [ "$(s3 HEAD "/$bucket" -o /dev/null -w '%{http_code}' -I)" != 200 ]; then
    s3 PUT "/$bucket" -o /dev/null -f || die "could not create the bucket $bucket"
    # Versioned, as a state bucket should be: an overwritten or deleted checkpoint can still be recovered.
    s3 PUT "/$bucket?versioning=" -o /dev/null -f \
      -d '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>' ||
      die "could not turn on versioning for $bucket"
  fi
  say "S3 gateway (versitygw, pid $(cat "$pidfile")) on $endpoint, bucket $bucket (versioned)"
}

do_down() {
  local p
  p=$(running_pid) || { rm -f "$pidfile"; return 0; }
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$p" || break; sleep 0.1; done
  if alive "$p"; then say "still running after 10 s, sending SIGKILL to $p"; kill -KILL "$p" 2>/dev/null || true; fi
  rm -f "$pidfile"
  say "stopped the S3 gateway (pid $p)"
}

case $cmd in
  up) do_up ;;
  env)
    [ -s "$dir/credentials" ] || die "no lab state store in $dir: run tools/lab/state/state.sh up $dir"
    echo "export OSK_BACKEND='$(backend_url)'"
    echo "export AWS_SHARED_CREDENTIALS_FILE='$dir/credentials'"
    ;;
  status)
    p=$(running_pid) || { echo "lab state store: not running"; exit 1; }
    echo "lab state store: versitygw pid $p, $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status") KiB, $endpoint"
    [ "$(s3 HEAD "/$bucket" -o /dev/null -w '%{http_code}' -I)" = 200 ] || { echo "bucket $bucket: not answering"; exit 1; }
    echo "bucket $bucket: $("$0" ls "$dir" | wc -l) objects"
    ;;
  ls)
    running_pid >/dev/null || die "not running: tools/lab/state/state.sh up $dir"
    token="" keys=""
    while :; do # ListObjectsV2, a page at a time
      page=$(s3 GET "/$bucket?list-type=2&prefix=$(urlencode "${3:-}")${token:+&continuation-token=$(urlencode "$token")}" -f) || die "listing $bucket failed"
      keys+=$(grep -o '<Key>[^<]*</Key>' <<<"$page" | sed 's/<[^>]*>//g' || true)$'\n'
      token=$(sed -n 's/.*<NextContinuationToken>\([^<]*\)<.*/\1/p' <<<"$page")
      [ -n "$token" ] || break
    done
    printf '%s' "$keys" | sed '/^$/d'
    ;;
  down) do_down ;;
  wipe) do_down; rm -rf "$dir" ;;
  *) usage ;;
esac
