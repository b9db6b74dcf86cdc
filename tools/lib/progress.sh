#!/usr/bin/env bash
# Progress for long steps: what runs, how long it took last time on this machine, and the elapsed time (and the
# bytes downloaded) while it runs. On a terminal one line updates in place; elsewhere (CI logs, pipes) a plain line
# every OSK_PROGRESS_INTERVAL seconds (default 15). Step times are kept in ${OSK_CACHE:-~/.cache/osk}/build-times.tsv
# (key, seconds, UTC time), one line per finished step; the last line of a key is "last time".
#
#   source tools/lib/progress.sh
#   progress_run TAG KEY LABEL CMD...    run CMD (a command or function, in a subshell) with a ticker; record its
#                                        time when it succeeds; return its status
#   progress_last KEY                    seconds the last finished KEY took, or nothing
#
#   bash tools/lib/progress.sh ticker TAG KEY LABEL OWNER_PID
#                                        only the ticker, until OWNER_PID exits or it is killed (for tools/lib/progress.ts)
#
# Env: OSK_PROGRESS=tty|plain|off (default: tty when stderr is a terminal, else plain), OSK_PROGRESS_INTERVAL,
# OSK_PROGRESS_WATCH (directories whose growth is shown as bytes downloaded, separated by ':'),
# OSK_PROGRESS_SILENCE (a file: in plain mode, speak only after the file has not grown for an interval, so a step
# that prints its own output is not interleaved with ticks).

progress_times=${OSK_CACHE:-$HOME/.cache/osk}/build-times.tsv

progress_fmt() { # seconds -> 42 s, 3m07s, 1h02m
  local s=$1
  if [ "$s" -lt 60 ]; then printf '%d s' "$s"
  elif [ "$s" -lt 3600 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60))
  else printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60)); fi
}
progress_bytes() { # bytes -> 812 kB, 12.3 MB, 1.20 GB
  awk -v b="$1" 'BEGIN { if (b < 1e6) printf "%d kB", b / 1e3; else if (b < 1e9) printf "%.1f MB", b / 1e6; else printf "%.2f GB", b / 1e9 }'
}
progress_last() { [ ! -f "$progress_times" ] || awk -F'\t' -v k="$1" '$1 == k { t = $2 } END { if (t != "") print t }' "$progress_times"; }
progress_mode() {
  case ${OSK_PROGRESS:-} in tty | plain | off) echo "$OSK_PROGRESS" ;; *) if [ -t 2 ]; then echo tty; else echo plain; fi ;; esac
}
progress_watch_size() { # total bytes under the watched directories
  local d total=0 n
  local IFS=:
  for d in ${OSK_PROGRESS_WATCH:-}; do
    [ -d "$d" ] || continue
    n=$(du -sb "$d" 2>/dev/null | cut -f1); total=$((total + ${n:-0}))
  done
  echo "$total"
}

# The ticker: prints until its owner exits (or it is killed).
progress_ticker() { # tag key label owner-pid
  local tag=$1 key=$2 label=$3 owner=$4 mode interval last t0 now el base got most msg quiet_since size lastsize
  mode=$(progress_mode); [ "$mode" = off ] && return 0
  interval=${OSK_PROGRESS_INTERVAL:-15}
  last=$(progress_last "$key"); t0=$SECONDS
  base=$( [ -n "${OSK_PROGRESS_WATCH:-}" ] && progress_watch_size || echo 0)
  quiet_since=$SECONDS lastsize=-1 most=0
  while kill -0 "$owner" 2>/dev/null; do
    sleep 1
    now=$SECONDS el=$((now - t0))
    if [ "$mode" = plain ]; then
      if [ -n "${OSK_PROGRESS_SILENCE:-}" ]; then
        size=$(stat -c %s "$OSK_PROGRESS_SILENCE" 2>/dev/null || echo 0)
        [ "$size" != "$lastsize" ] && { lastsize=$size; quiet_since=$now; }
      fi
      [ $((now - quiet_since)) -ge "$interval" ] || continue
      quiet_since=$now
    fi
    msg="$label: $(progress_fmt "$el")"
    if [ -n "$last" ]; then msg+=" (last time $(progress_fmt "$last"))"; else msg+=" (first time on this machine)"; fi
    if [ -n "${OSK_PROGRESS_WATCH:-}" ]; then
      # Growth of the download caches; temporary files come and go, so the most seen so far.
      got=$(( $(progress_watch_size) - base )); [ "$got" -gt "$most" ] && most=$got
      [ "$most" -ge 1000 ] && msg+=", downloaded $(progress_bytes "$most")"
    fi
    if [ "$mode" = tty ]; then printf '\r\033[K[%s] %s' "$tag" "$msg" >&2; else printf '[%s] %s\n' "$tag" "$msg" >&2; fi
  done
}

progress_run() { # tag key label cmd...
  local tag=$1 key=$2 label=$3 t0=$SECONDS last ticker rc=0
  shift 3
  last=$(progress_last "$key")
  if [ "$(progress_mode)" != off ]; then
    printf '[%s] %s%s\n' "$tag" "$label" "$([ -n "$last" ] && echo " (took $(progress_fmt "$last") last time on this machine)" || echo " (first time on this machine)")" >&2
  fi
  # The step runs as a background job so that `set -e` keeps working inside it (a `cmd || rc=$?` would switch it
  # off there); a function's variable changes therefore stay in the step.
  "$@" &
  local step=$!
  progress_ticker "$tag" "$key" "$label" "$step" &
  ticker=$!
  wait "$step" || rc=$?
  kill "$ticker" 2>/dev/null || true; wait "$ticker" 2>/dev/null || true
  if [ "$(progress_mode)" = tty ]; then printf '\r\033[K' >&2; fi
  if [ $rc -eq 0 ]; then
    [ "$(progress_mode)" = off ] || printf '[%s] %s: done in %s\n' "$tag" "$label" "$(progress_fmt $((SECONDS - t0)))" >&2
    mkdir -p "$(dirname "$progress_times")"
    printf '%s\t%s\t%s\n' "$key" "$((SECONDS - t0))" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$progress_times"
  fi
  return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    ticker) shift; progress_ticker "$@" ;;
    last) progress_last "$2" ;;
    *) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
fi
