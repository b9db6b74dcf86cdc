#!/usr/bin/env bash
# Installs Debian packages the tests and the lab need, when missing (root; the machine reaches Debian's mirrors).
#   tools/ensure-packages.sh openssh-server ...
set -euo pipefail
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "[packages] error: need root to install ${missing[*]}" >&2; exit 1; }
echo "[packages] installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their services: the tests run their own instances on loopback.
policy_created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_created=1; fi
trap '[ $policy_created = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
install_missing() {
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}
. "$(cd "$(dirname "$0")" && pwd)/lib/progress.sh"
OSK_PROGRESS_WATCH=${OSK_PROGRESS_WATCH:-/var/cache/apt/archives:/var/lib/apt/lists} \
  progress_run packages "packages:${missing[*]}" "installing ${missing[*]} from Debian" install_missing
