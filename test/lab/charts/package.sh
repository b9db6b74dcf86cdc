#!/usr/bin/env bash
# Packages the OSK lab stand-in charts (test fixtures, see README.md) into a Helm chart repository.
#
#   test/lab/charts/package.sh <outdir> [url]
#
# Every chart folder here except the library osk-lab-lib is packaged into <outdir> as <chart>-<version>.tgz, with
# osk-lab-lib resolved from its `file://../osk-lab-lib` dependency and bundled in the archive; then
# `helm repo index <outdir> [--url url]` writes index.yaml. Offline: Helm runs with empty, throwaway config,
# cache and data directories, so no configured repository is refreshed or contacted, and the source folders are
# left untouched (the dependency is built in a scratch copy). Earlier archives of these charts in <outdir> are
# replaced; other files there are left alone (and indexed). Helm: $HELM, else helm on PATH, else the binary
# tools/k8s-tools.sh builds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: package.sh <outdir> [url]}
url=${2:-}

helm=${HELM:-}
if [ -z "$helm" ] && command -v helm >/dev/null 2>&1; then
  helm=helm
elif [ -z "$helm" ]; then # the helm tools/k8s-tools.sh builds (it fails, naming the fix, when there is none)
  eval "$(bash "$here/../../../tools/k8s-tools.sh" --env helm)" || { echo "package.sh: no helm (set HELM, or run: bash tools/k8s-tools.sh helm)" >&2; exit 1; }
  helm=$OSK_K8S_BIN/helm
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/osk-lab-charts.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HELM_CONFIG_HOME=$work/helm/config HELM_CACHE_HOME=$work/helm/cache HELM_DATA_HOME=$work/helm/data
export HELM_REPOSITORY_CONFIG=$HELM_CONFIG_HOME/repositories.yaml HELM_REPOSITORY_CACHE=$HELM_CACHE_HOME/repository
mkdir -p "$HELM_CONFIG_HOME" "$HELM_CACHE_HOME" "$HELM_DATA_HOME" "$out"

mkdir "$work/src"
charts=()
for dir in "$here"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/Chart.yaml" ] || continue
  cp -R "$dir" "$work/src/$name"
  rm -rf "$work/src/$name/charts" "$work/src/$name/Chart.lock" # never package a stale local build
  grep -Eq '^type:[[:space:]]*library' "$dir/Chart.yaml" || charts+=("$name")
done
[ "${#charts[@]}" -gt 0 ] || { echo "package.sh: no charts under $here" >&2; exit 1; }

# The charts also published at a next version, the same templates under another number: what the lab's upgrade and
# rollback proof pins a release to and back (test/lab/lab.spec.ts). Every object they render names its chart's
# version (the helm.sh/chart label), so an upgrade shows on the objects as well as in Helm's history.
NEXT_VERSION=2026.1.0-lab.2
next=(glance)
for name in "${charts[@]}"; do
  rm -f -- "$out/$name"-[0-9]*.tgz # earlier versions of this chart: the index lists exactly what is built now
  "$helm" dependency update --skip-refresh "$work/src/$name" >/dev/null
  "$helm" package "$work/src/$name" --destination "$out" >/dev/null
  if [[ " ${next[*]} " == *" $name "* ]]; then "$helm" package "$work/src/$name" --version "$NEXT_VERSION" --destination "$out" >/dev/null; fi
  echo "packaged $name"
done
"$helm" repo index "$out" ${url:+--url "$url"}
echo "indexed ${#charts[@]} charts in $out/index.yaml"
