#!/usr/bin/env bash
# Builds the `osk` provider plugin (components/plugin over components/provider) into a directory: the code compiled to JavaScript, the npm
# packages it runs with (copied from the checkout's node_modules, nothing fetched), and the launcher the engine
# starts, `pulumi-resource-osk`, which runs it on the given Node.js. tools/toolchain.sh caches the result by version
# and source hash and installs the launcher as the plugin `resource osk v<package version>`.
#
#   tools/osk-provider/build.sh --hash SRC         print the source hash a build of SRC is cached under
#   tools/osk-provider/build.sh SRC OUT NODE       build SRC (a checkout with node_modules) into OUT
set -euo pipefail

# What the plugin is built from: the types it serves, the provider, and the pins. A build that compiles a file
# from elsewhere fails below, so this list cannot silently fall behind.
SOURCES=(components/plugin components/provider components/remote components/secrets components/k8s tools/osk-provider package.json package-lock.json)

source_hash() {
  (cd "$1" && find "${SOURCES[@]}" -type f ! -name '*.md' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

if [ "${1:-}" = --hash ]; then source_hash "$2"; exit 0; fi
[ $# -eq 3 ] || { echo "usage: $0 SRC OUT NODE | --hash SRC" >&2; exit 2; }
src=$(cd "$1" && pwd); out=$2; node=$3
[ -d "$src/node_modules/@pulumi/pulumi" ] || { echo "osk provider: $src/node_modules has no @pulumi/pulumi: run npm ci first" >&2; exit 1; }

rm -rf "$out.tmp"; mkdir -p "$out.tmp"
"$node" "$src/node_modules/typescript/bin/tsc" -p "$src/tools/osk-provider/tsconfig.json" --outDir "$out.tmp/lib"
outside=$(cd "$out.tmp/lib" && find . -name '*.js' | sed 's#^\./##' | grep -vE '^(components/(plugin|provider|remote|secrets|k8s)/)' || true)
[ -z "$outside" ] || { echo "osk provider: compiles files outside its sources (add them to SOURCES in $0): $outside" >&2; exit 1; }

# The packages the compiled code requires, and theirs, as npm laid them out in the checkout.
"$node" - "$src/node_modules" "$out.tmp" <<'JS'
const fs = require("fs"), path = require("path");
const [modules, out] = process.argv.slice(2);
const builtin = new Set(require("module").builtinModules);
const wanted = new Set();
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
  const p = path.join(d, e.name);
  if (e.isDirectory()) return walk(p);
  if (!p.endsWith(".js")) return;
  for (const m of fs.readFileSync(p, "utf8").matchAll(/require\("([^."][^"]*)"\)/g)) {
    const name = m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0];
    if (!builtin.has(name) && !name.startsWith("node:")) wanted.add(name);
  }
});
walk(path.join(out, "lib"));
const copied = new Set();
const queue = [...wanted];
while (queue.length) {
  const name = queue.shift();
  if (copied.has(name)) continue;
  const dir = path.join(modules, name);
  if (!fs.existsSync(path.join(dir, "package.json"))) continue; // an optional dependency npm did not install
  copied.add(name);
  fs.cpSync(dir, path.join(out, "node_modules", name), { recursive: true, filter: (s) => path.basename(s) !== ".bin" });
  // Its own dependencies, and those of the packages nested under it (theirs may sit at the top level).
  const manifests = [path.join(dir, "package.json")];
  const nested = (d) => fs.existsSync(d) && fs.readdirSync(d).forEach((n) => {
    const p = path.join(d, n);
    if (n.startsWith("@")) return nested(p);
    if (fs.existsSync(path.join(p, "package.json"))) manifests.push(path.join(p, "package.json"));
    nested(path.join(p, "node_modules"));
  });
  nested(path.join(dir, "node_modules"));
  for (const m of manifests) {
    const pkg = JSON.parse(fs.readFileSync(m, "utf8"));
    queue.push(...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }));
  }
}
console.error(`osk provider: ${copied.size} npm packages for ${[...wanted].join(", ")}`);
JS

version=$("$node" -p 'require(process.argv[1]).version' "$src/package.json")
cat > "$out.tmp/pulumi-resource-osk" <<SH
#!/bin/sh
# The osk resource provider $version (sources $(source_hash "$src")): OSK's own resource types, on Node.js $("$node" --version).
exec "$node" --enable-source-maps "$out/lib/components/plugin/main.js" "\$@"
SH
chmod 0755 "$out.tmp/pulumi-resource-osk"
rm -rf "$out"; mv "$out.tmp" "$out"
