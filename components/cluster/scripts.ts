// Shell steps run on the hosts. Each one is guarded so a rerun after a partial failure finishes the job
// instead of failing on what is already done. Secrets arrive as environment variables, never in the text.
import type { Host, KubeadmConfig } from "./args";
import { writeFileScript as writeFile } from "../remote/files";
import { addressAt, parseAddress, parseNetwork } from "../net/cidr";
import { APISERVER_PORT, certSANs, PLACEHOLDER } from "./kubeadm";
import { HAND_OVER } from "../remote/command";
import { isIP } from "net";
import type { Registry } from "../core/registry";
import { kubeadmImages, rewriteManifestImages, sandboxImageScript } from "./images";

const DIR = "/etc/osk";
const ADMIN = "--kubeconfig /etc/kubernetes/admin.conf";
/** First line of a containerd configuration OSK wrote (and may rewrite). */
export const CONTAINERD_MARKER = "# managed by OSK (osk:controlPlane): rewritten when the cgroup driver changes";

/** Where the rendered kubeadm configuration lands on the host (as a step input, so diffs and policies see it). */
export const INIT_TEMPLATE = `${DIR}/kubeadm-init.yaml.template`;
export const JOIN_TEMPLATE = `${DIR}/kubeadm-join.yaml.template`;

/** The usable kubeadm file: the template with its placeholders replaced from the secret environment; mode 0600. */
export function substituteScript(template: string, path: string): string {
    return [
        `cfg=$(cat ${template})`,
        `cfg=\${cfg//${PLACEHOLDER.token}/\${OSK_BOOTSTRAP_TOKEN:-}}`,
        `cfg=\${cfg//${PLACEHOLDER.certificateKey}/\${OSK_CERTIFICATE_KEY:-}}`,
        `cfg=\${cfg//${PLACEHOLDER.caCertHash}/\${OSK_CA_CERT_HASH:-}}`,
        `umask 077; printf '%s\\n' "$cfg" > ${path}`,
    ].join("\n");
}

/** The upstream package repository of a Kubernetes minor, unless the site names its mirror. */
export function kubernetesRepository(cp: KubeadmConfig): string {
    const minor = cp.kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".");
    return cp.packages.kubernetesRepository ?? `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`;
}

/** The node's slice of the pod network for the `bridge` CNI: fixed by the node's address, so it survives changes
 * to the inventory (slice n for the n-th address of the node network; /24 slices for IPv4, /64 for IPv6). */
export function bridgePodRange(cp: KubeadmConfig, host: Host): string {
    const pods = parseNetwork(cp.network.pods);
    const nodes = parseNetwork(cp.network.nodes);
    const slicePrefix = pods.family === "ipv4" ? 24 : 64;
    const width = BigInt((pods.family === "ipv4" ? 32 : 128) - slicePrefix);
    const index = parseAddress(host.address).value - nodes.first;
    const slices = pods.prefix <= slicePrefix ? 1n << BigInt(slicePrefix - pods.prefix) : 0n;
    if (index < 0n || index >= slices) {
        throw new Error(`the bridge CNI gives node ${host.name} (${host.address}) slice ${index} of ${cp.network.pods}, which has ${slices} /${slicePrefix} slices: use a larger pod network`);
    }
    return `${addressAt(pods, index << width)}/${slicePrefix}`;
}

/** The `bridge` CNI configuration of one node (the plugins come from the host's containernetworking-plugins). */
export function bridgeCniConfig(cp: KubeadmConfig, host: Host): string {
    const subnet = bridgePodRange(cp, host);
    const config = {
        cniVersion: "0.4.0",
        name: "osk-bridge",
        plugins: [
            {
                type: "bridge",
                bridge: "osk-pods0",
                isGateway: true,
                ipMasq: true,
                hairpinMode: true,
                ipam: { type: "host-local", ranges: [[{ subnet }]], routes: [{ dst: subnet.includes(":") ? "::/0" : "0.0.0.0/0" }] },
            },
            { type: "portmap", capabilities: { portMappings: true } },
        ],
    };
    return JSON.stringify(config, null, 2) + "\n";
}

/** Where the bridge CNI's routes to the other nodes' pod slices are kept, and the unit that sets them at boot. */
export const POD_ROUTES = { script: `${DIR}/pod-routes.sh`, unit: "/etc/systemd/system/osk-pod-routes.service" } as const;

/** The routes to every other node's pod slice, through that node: a script run now and at every boot. */
export function podRoutesScript(cp: KubeadmConfig, host: Host): string {
    const others = [...cp.masters, ...cp.workers].filter((h) => h.name !== host.name);
    return ["#!/bin/sh", "# Written by OSK (bridge CNI): the other nodes' pod slices, through those nodes.", "set -e", ...others.map((h) => `ip route replace ${bridgePodRange(cp, h)} via ${h.address}`)].join("\n") + "\n";
}

/** A oneshot unit setting the pod routes once the network is up: routes set with `ip` do not survive a reboot. */
export const POD_ROUTES_UNIT = `[Unit]
Description=OSK: routes to the other nodes' pod networks (bridge CNI)
Wants=network-online.target
After=network-online.target
Before=kubelet.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh ${POD_ROUTES.script}

[Install]
WantedBy=multi-user.target
`;

function bridgeCniScript(cp: KubeadmConfig, host: Host): string {
    const file = "/etc/cni/net.d/10-osk-bridge.conflist";
    return `
# The bridge CNI: this node's pod slice, and a route to every other node's slice through that node.
install -d /etc/cni/net.d
want=$(cat <<'OSK_EOF'
${bridgeCniConfig(cp, host).trimEnd()}
OSK_EOF
)
# Written in place, not renamed into the directory: containerd 1.6 misses a file moved in.
[ "$(cat ${file} 2>/dev/null)" = "$want" ] || printf '%s\\n' "$want" > ${file}
${writeFile(POD_ROUTES.script, podRoutesScript(cp, host), "0755")}
${writeFile(POD_ROUTES.unit, POD_ROUTES_UNIT)}
systemctl daemon-reload
systemctl enable osk-pod-routes >/dev/null
sh ${POD_ROUTES.script}
`;
}

/**
 * Host preparation: kernel settings, containerd with the configured cgroup driver, and kubelet/kubeadm/kubectl
 * pinned to the version. A host that already runs them at that version (a pre-built machine image) installs
 * nothing, so it needs no package repository.
 */
export function prepareScript(cp: KubeadmConfig, host?: Host, registry?: Registry): string {
    const version = cp.kubernetesVersion.replace(/^v/, "");
    const systemdCgroup = cp.kubelet.cgroupDriver === "systemd" ? "true" : "false";
    return `
export DEBIAN_FRONTEND=noninteractive
swapoff -a
if grep -Eq '^[^#].*\\sswap\\s' /etc/fstab; then sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab; fi
printf 'overlay\\nbr_netfilter\\n' > /etc/modules-load.d/osk.conf
# Built into some kernels: load only what is not there yet.
grep -qw overlay /proc/filesystems || modprobe overlay
[ -d /proc/sys/net/bridge ] || modprobe br_netfilter
printf 'net.bridge.bridge-nf-call-iptables = 1\\nnet.bridge.bridge-nf-call-ip6tables = 1\\nnet.ipv4.ip_forward = 1\\n' > /etc/sysctl.d/90-osk.conf
# OSK's settings only: sysctl --system would re-apply every other file too.
sysctl -q -p /etc/sysctl.d/90-osk.conf
preinstalled=yes
[ "$(kubeadm version -o short 2>/dev/null)" = "v${version}" ] || preinstalled=
[ "$(kubelet --version 2>/dev/null)" = "Kubernetes v${version}" ] || preinstalled=
# Read whole before grep: under pipefail, grep -q leaving early would fail the pipeline.
kubectl_version=$(kubectl version --client 2>/dev/null || true)
grep -qx 'Client Version: v${version}' <<<"$kubectl_version" || preinstalled=
command -v containerd >/dev/null || preinstalled=
if [ -n "$preinstalled" ]; then
  echo "kubeadm, kubelet and kubectl v${version} and containerd are installed: nothing to install" >&2
elif [ -f /etc/kubernetes/kubelet.conf ] && command -v containerd >/dev/null; then
  # A member of the cluster at another version: its packages move in the upgrade step, one node at a time, never
  # here (this step runs on every host at once, and a kubelet must never be newer than the apiservers).
  echo "$(hostname) is in the cluster with $(kubelet --version 2>/dev/null): the upgrade step moves it to v${version}" >&2
else
  command -v apt-get >/dev/null || { echo "kubeadm, kubelet and kubectl v${version} and containerd are not all installed, and only Debian/Ubuntu hosts can install them (apt-get not found)" >&2; exit 1; }
  apt-get update -q
  apt-get install -y -q apt-transport-https ca-certificates curl gpg containerd
${kubernetesPackagesScript(cp, ["kubelet", "kubeadm", "kubectl"])}
fi
# containerd's configuration is OSK's when absent or written by OSK; a machine image's own is kept, and must
# agree with the kubelet's cgroup driver (${cp.kubelet.cgroupDriver}).
conf=/etc/containerd/config.toml
if [ ! -f $conf ] || grep -qxF '${CONTAINERD_MARKER}' $conf; then
  want=$(printf '%s\\n' '${CONTAINERD_MARKER}'; containerd config default | sed -E 's/SystemdCgroup = (true|false)/SystemdCgroup = ${systemdCgroup}/'${registry?.username ? `; ${containerdLoginScript(registry)}` : ""})
  if [ "$(cat $conf 2>/dev/null)" != "$want" ]; then
    install -d /etc/containerd
    printf '%s\\n' "$want" > $conf${registry?.username ? `
    chmod 0600 $conf # it holds the mirror's login` : ""}
    systemctl restart containerd
  fi
elif ! grep -Eq '^\\s*SystemdCgroup = ${systemdCgroup}\\s*$' $conf; then
  echo "$conf is the host's own and does not set SystemdCgroup = ${systemdCgroup}, which kubelet.cgroupDriver ${cp.kubelet.cgroupDriver} needs" >&2
  exit 1
fi
${registry ? `grep -q '${kubeadmImages(cp, registry).find((i) => i.source.includes("/pause:"))!.pulled}' /etc/containerd/config.toml || { ${sandboxImageScript(cp, registry).trim()}; systemctl restart containerd; }
` : ""}systemctl enable --now containerd kubelet >/dev/null 2>&1 || true
${cp.cni.plugin === "bridge" && host ? bridgeCniScript(cp, host) : ""}`.trimStart();
}

/** The environment variable the host preparation reads the mirror's password from (a secret environment). */
export const REGISTRY_PASSWORD_ENV = "OSK_REGISTRY_PASSWORD";

/**
 * The table of containerd's CRI configuration that logs in to the site's mirror for every pull from its host (the
 * control-plane images kubeadm and the kubelet pull), printed after `containerd config default`. The password comes
 * from {@link REGISTRY_PASSWORD_ENV}, escaped for a TOML basic string; it is never on a command line.
 */
export function containerdLoginScript(registry: Registry): string {
    if (!registry.username) throw new Error("a containerd login needs site.registry.username");
    const toml = (v: string) => v.replace(/[\\"]/g, "\\$&");
    return [
        `printf '[plugins."io.containerd.grpc.v1.cri".registry.configs."%s".auth]\\n' '${registry.host}'`,
        `printf '  username = "%s"\\n' '${toml(registry.username)}'`,
        `printf '  password = "%s"\\n' "$(printf '%s' "$${REGISTRY_PASSWORD_ENV}" | sed 's/[\\\\"]/\\\\&/g')"`,
    ].join("; ");
}

/** HAProxy and keepalived for the VIP, (re)started only when their configuration changed. */
export function loadBalancerScript(haproxy: string, keepalived: string): string {
    return `
export DEBIAN_FRONTEND=noninteractive
{ command -v haproxy && command -v keepalived; } >/dev/null || { apt-get update -q && apt-get install -y -q haproxy keepalived; }
# On a fresh host neither file exists yet (and under pipefail a failed cat would end the script).
old=$( { cat /etc/haproxy/haproxy.cfg /etc/keepalived/keepalived.conf 2>/dev/null || true; } | sha256sum)
${writeFile("/etc/haproxy/haproxy.cfg", haproxy)}
${writeFile("/etc/keepalived/keepalived.conf", keepalived)}
haproxy -c -f /etc/haproxy/haproxy.cfg >/dev/null
new=$(cat /etc/haproxy/haproxy.cfg /etc/keepalived/keepalived.conf | sha256sum)
systemctl enable haproxy keepalived >/dev/null
if [ "$old" != "$new" ]; then systemctl restart haproxy keepalived; fi
`.trimStart();
}

/**
 * First master: kubeadm init once; on every later run, upload the cluster configuration again (it changes with the
 * inventory) and the control-plane certificates under the certificate key, and make sure the bootstrap token
 * exists, so later joins work even hours after init. Prints the CA certificate hash joins pin.
 */
export function initScript(): string {
    return `
${substituteScript(INIT_TEMPLATE, `${DIR}/kubeadm-init.yaml`)}
if [ ! -f /etc/kubernetes/admin.conf ]; then
  # Its closing advice would print the token and the certificate key, and stderr ends up in logs.
  kubeadm init --config ${DIR}/kubeadm-init.yaml --upload-certs --skip-token-print --skip-certificate-key-print >&2
else
  # The cluster's kubeadm-config follows the rendering (joins read their certificate SANs from it).
  kubeadm init phase upload-config kubeadm --config ${DIR}/kubeadm-init.yaml >&2
  kubeadm init phase upload-certs --upload-certs --config ${DIR}/kubeadm-init.yaml >/dev/null
fi
# Read whole before grep: under pipefail, grep -q leaving early would fail the pipeline and look like no token.
tokens=$(kubeadm token list ${ADMIN} -o jsonpath='{.token}{"\\n"}' 2>/dev/null || true)
if ! grep -qx "$OSK_BOOTSTRAP_TOKEN" <<<"$tokens"; then
  # "already exists" (the list failed, the token is there) is what this wants; the message names the token's id only.
  created=$(kubeadm token create "$OSK_BOOTSTRAP_TOKEN" --ttl 2h ${ADMIN} 2>&1 >/dev/null) || grep -q 'already exists' <<<"$created" || { echo "$created" >&2; exit 1; }
fi
hash=$(openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)
echo "sha256:$hash"
`.trimStart();
}

/** Marks a join under way on the host; removed when kubeadm join finished. */
export const JOIN_STARTED = `${DIR}/join-started`;

/**
 * Another master or a worker: join once; a node that has a kubelet.conf and no unfinished join is done. A join
 * whose run died midway (kubeadm writes kubelet.conf before a master's etcd member exists) is reset and redone.
 */
export function joinScript(): string {
    return `
${substituteScript(JOIN_TEMPLATE, `${DIR}/kubeadm-join.yaml`)}
if [ -f ${JOIN_STARTED} ]; then
  echo "an earlier join of this node did not finish: resetting it before joining again" >&2
  kubeadm reset -f >&2
fi
if [ ! -f /etc/kubernetes/kubelet.conf ]; then
  touch ${JOIN_STARTED}
  kubeadm join --config ${DIR}/kubeadm-join.yaml >&2
  rm -f ${JOIN_STARTED}
fi
`.trimStart();
}

/** The kubeadm file a master's apiserver certificate is issued from (see renderCertificate). */
export const CERTIFICATE_CONFIG = `${DIR}/kubeadm-certificate.yaml`;

/** Shell printing each of `sans` (addresses or names) that the certificate file at `cert` does not cover. */
export function sanGapScript(cert: string, sans: readonly string[]): string {
    // One check per call: openssl x509 keeps only the last -checkip or -checkhost it is given.
    return sans.map((san) => `{ openssl x509 -in "${cert}" -noout ${isIP(san) ? "-checkip" : "-checkhost"} '${san}' | grep -q ' does match ' || echo '${san}'; }`).join("; ");
}

/**
 * On a master: issues its apiserver certificate again when it does not cover every SAN of the inventory (the
 * endpoint, every master's name and address), then waits until the apiserver serves it (it reloads the file).
 */
export function apiServerCertificateScript(cp: KubeadmConfig, host: Host): string {
    return `
crt=/etc/kubernetes/pki/apiserver.crt
[ -f $crt ] || { echo "${host.name} has no $crt: it is not a master of the cluster" >&2; exit 1; }
gap=$(${sanGapScript("$crt", certSANs(cp))})
[ -n "$gap" ] || exit 0
echo "${host.name}: the apiserver certificate lacks $(echo $gap); issuing it again" >&2
install -d -m 0700 ${DIR}/replaced
mv $crt ${DIR}/replaced/apiserver.crt
mv /etc/kubernetes/pki/apiserver.key ${DIR}/replaced/apiserver.key
kubeadm init phase certs apiserver --config ${CERTIFICATE_CONFIG} >&2
want=$(openssl x509 -in $crt -noout -fingerprint -sha256)
for i in $(seq 90); do
  served=$(openssl s_client -connect ${host.address.includes(":") ? `[${host.address}]` : host.address}:${APISERVER_PORT} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null || true)
  [ "$served" != "$want" ] || exit 0
  sleep 2
done
echo "${host.name}: the apiserver did not pick up its new certificate within 180 s" >&2
exit 1
`.trimStart();
}

/**
 * The start of work on the cluster as a whole, on a master: kubectl \`k\` through this master's own apiserver (while
 * nodes leave, the endpoint may route to an apiserver whose etcd member just went, and answer EOF), \`retry\` for
 * what may still drop (an exec stream), and a hand-over to the next master (see RemoteCommand's alternateHosts): at
 * once when this one is no master (anymore), after a minute when its apiserver does not answer.
 */
/** A command tried 6 times, 5 s apart (an apiserver restarting, a drain racing an eviction). */
const RETRY = `retry() { local i; for i in 1 2 3 4 5 6; do "$@" && return 0; [ "$i" -lt 6 ] || return 1; sleep 5; done; }`;

const ON_CLUSTER = `k() { kubectl ${ADMIN} --server https://127.0.0.1:${APISERVER_PORT} "$@"; }
${RETRY}
[ -f /etc/kubernetes/admin.conf ] || { echo "$(hostname) has no admin.conf" >&2; exit ${HAND_OVER}; }
for i in $(seq 30); do
  k get --raw /readyz >/dev/null 2>&1 && break
  [ "$i" -lt 30 ] || { echo "$(hostname) cannot reach its apiserver" >&2; exit ${HAND_OVER}; }
  sleep 2
done`;

/**
 * A node leaving the cluster, run on a surviving master: \`drain\` before the node is reset (its pods move away, and a
 * master's etcd member is removed while the other members can still agree on it), \`remove\` after the reset (its
 * Node object, once no kubelet registers it again).
 */
export function leaveScript(action: "drain" | "remove", host: Host, role: "master" | "worker"): string {
    if (action === "remove") {
        return `
${ON_CLUSTER}
retry k delete node ${host.name} --ignore-not-found >&2
`.trimStart();
    }
    const etcd = role === "master"
        ? `
# One membership change at a time from this master (a destroy removes every other master at once).
remove_member() {
  local pod e id
  pod=$(k -n kube-system get pods -l component=etcd --field-selector status.phase=Running -o name | { grep -v "/etcd-${host.name}$" || true; } | head -n1)
  [ -n "$pod" ] || { echo "no running etcd member to remove ${host.name}'s member through" >&2; return 1; }
  e="k -n kube-system exec $pod -- etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key"
  id=$($e member list | awk -F', ' '$3 == "${host.name}" {print $1}') || return 1
  [ -z "$id" ] || $e member remove "$id" >&2
}
exec 9>${DIR}/etcd-members.lock
flock -w 600 9
retry remove_member`
        : "";
    return `
${ON_CLUSTER}
if k get node ${host.name} >/dev/null 2>&1; then
  retry k drain ${host.name} --ignore-daemonsets --delete-emptydir-data --timeout=10m >&2
fi${etcd}
`.trimStart();
}

/** Run on the node itself after it left the cluster: wipes kubeadm state so it can join anew. */
export function resetScript(): string {
    return `
if command -v kubeadm >/dev/null && [ -f /etc/kubernetes/kubelet.conf ]; then
  kubeadm reset -f >&2
  # The directory's contents, not the directory: it may be a mount point. etcd's data too: a member container still
  # exiting can write after kubeadm reset emptied it, and the next join's preflight refuses a non-empty data dir.
  rm -rf /etc/cni/net.d/* /var/lib/etcd/* ${DIR}/kubeadm-*.yaml* ${JOIN_STARTED}
fi
`.trimStart();
}

/** Kubernetes' apt repository of the configured minor (or the site's mirror) and `packages` pinned to the version
 * and held there, so no unattended upgrade moves them. */
function kubernetesPackagesScript(cp: KubeadmConfig, packages: readonly string[]): string {
    const version = cp.kubernetesVersion.replace(/^v/, "");
    const repo = kubernetesRepository(cp);
    return `  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL ${repo}Release.key | gpg --dearmor --yes -o /etc/apt/keyrings/osk-kubernetes.gpg
  echo "deb [signed-by=/etc/apt/keyrings/osk-kubernetes.gpg] ${repo} /" > /etc/apt/sources.list.d/osk-kubernetes.list
  apt-get update -q
  apt-mark unhold ${packages.join(" ")} >/dev/null 2>&1 || true
  apt-get install -y -q --allow-downgrades ${packages.map((p) => `${p}=${version}-*`).join(" ")}
  apt-mark hold ${packages.join(" ")} >/dev/null`;
}

/** Which upgrade a node gets: the first master applies the new version to the cluster, the others follow it. */
export type UpgradeRole = "first" | "master" | "worker";

/**
 * A node's part of a Kubernetes upgrade to the configured version, run on the node itself, one node at a time
 * (the component chains them: the first master, the other masters in order, then the workers). Does nothing on a
 * node that is not in a cluster yet or already runs the version. Otherwise: one minor at a time, never down; the
 * new kubeadm; `kubeadm upgrade apply` (the first master: the control plane, etcd and the cluster's configuration)
 * or `kubeadm upgrade node`; then, drained (a master drains itself; a worker is drained from a master before this
 * runs), the new kubelet and kubectl, the kubelet restarted, the node back in service and Ready at the version.
 */
export function upgradeScript(cp: KubeadmConfig, host: Host, role: UpgradeRole): string {
    const target = `v${cp.kubernetesVersion.replace(/^v/, "")}`;
    const self = role === "worker" ? "" : `
k() { kubectl ${ADMIN} "$@"; }
${RETRY}`;
    return `
target=${target}
if [ ! -f /etc/kubernetes/kubelet.conf ]; then echo "${host.name} is not in a cluster yet: nothing to upgrade" >&2; exit 0; fi
running=$(kubelet --version 2>/dev/null | awk '{print $2}')
if [ "$running" = "$target" ] && [ "$(kubeadm version -o short 2>/dev/null)" = "$target" ]; then echo "${host.name} runs $target" >&2; exit 0; fi
minor() { sed -E 's/^v?[0-9]+\\.([0-9]+)\\..*$/\\1/' <<<"$1"; }
[ -n "$running" ] || { echo "${host.name}: no kubelet to upgrade" >&2; exit 1; }
if [ "$(minor "$running")" -gt "$(minor "$target")" ]; then
  echo "${host.name} runs $running: Kubernetes is not downgraded (to $target); allowed: a version of minor $(minor "$running") or the next" >&2; exit 1
fi
if [ $(( $(minor "$target") - $(minor "$running") )) -gt 1 ]; then
  echo "${host.name} runs $running: kubeadm upgrades one minor at a time, not to $target; allowed: 1.$(( $(minor "$running") + 1 )).x first" >&2; exit 1
fi${self}
export DEBIAN_FRONTEND=noninteractive
if [ "$(kubeadm version -o short 2>/dev/null)" != "$target" ]; then
  command -v apt-get >/dev/null || { echo "${host.name}: kubeadm $target is not installed and only Debian/Ubuntu hosts can install it (apt-get not found)" >&2; exit 1; }
${kubernetesPackagesScript(cp, ["kubeadm"])}
fi
${
    role === "first"
        ? `server=$(kubectl ${ADMIN} get --raw /version | sed -nE 's/.*"gitVersion": *"([^"]+)".*/\\1/p')
if [ "$server" != "$target" ]; then
  kubeadm upgrade plan "$target" >&2
  kubeadm upgrade apply "$target" --yes >&2
fi`
        : `kubeadm upgrade node >&2`
}${role === "worker" ? "" : `
retry k drain ${host.name} --ignore-daemonsets --delete-emptydir-data --timeout=10m >&2`}
if [ "$(kubelet --version 2>/dev/null | awk '{print $2}')" != "$target" ]; then
  command -v apt-get >/dev/null || { echo "${host.name}: kubelet $target is not installed and only Debian/Ubuntu hosts can install it (apt-get not found)" >&2; exit 1; }
${kubernetesPackagesScript(cp, ["kubelet", "kubectl"])}
fi
systemctl daemon-reload
systemctl restart kubelet${role === "worker" ? "" : `
retry k uncordon ${host.name} >&2
retry k wait --for=condition=Ready node/${host.name} --timeout=5m >&2`}
`.trimStart();
}

/**
 * A worker's drain before its upgrade, and its return after, run on a master. Before: drains it when its kubelet
 * is not at the version yet (nothing to do on a cluster not made yet). After: uncordons it and waits for it to be
 * Ready at the version.
 */
export function workerUpgradeScript(cp: KubeadmConfig, host: Host, phase: "drain" | "uncordon"): string {
    const target = `v${cp.kubernetesVersion.replace(/^v/, "")}`;
    const at = `$(k get node ${host.name} -o jsonpath='{.status.nodeInfo.kubeletVersion}' 2>/dev/null || true)`;
    return `
[ -f /etc/kubernetes/admin.conf ] || { echo "no cluster on $(hostname) yet: nothing to ${phase}" >&2; exit 0; }
k() { kubectl ${ADMIN} "$@"; }
${RETRY}
k get node ${host.name} >/dev/null 2>&1 || { echo "${host.name} is not in the cluster yet: nothing to ${phase}" >&2; exit 0; }
${
    phase === "drain"
        ? `if [ "${at}" != "${target}" ]; then retry k drain ${host.name} --ignore-daemonsets --delete-emptydir-data --timeout=10m >&2; fi`
        : `retry k uncordon ${host.name} >&2
for i in $(seq 60); do
  [ "${at}" = "${target}" ] && k get node ${host.name} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True && exit 0
  sleep 5
done
echo "${host.name} is not Ready at ${target} after 5 minutes" >&2; exit 1`
}
`.trimStart();
}

/** The CNI manifest for the configured plugin and version. */
export function cniManifestUrl(cp: KubeadmConfig): string {
    if (cp.cni.manifestUrl) return cp.cni.manifestUrl;
    if (cp.cni.plugin === "bridge") throw new Error("the bridge CNI has no manifest");
    return cp.cni.plugin === "calico"
        ? `https://raw.githubusercontent.com/projectcalico/calico/${cp.cni.version}/manifests/calico.yaml`
        : `https://github.com/flannel-io/flannel/releases/download/${cp.cni.version}/kube-flannel.yml`;
}

export function cniScript(cp: KubeadmConfig, registry?: Registry): string {
    // The bridge CNI has no manifest: host preparation configured every node.
    if (cp.cni.plugin === "bridge") return "true\n";
    return `
curl -fsSL ${cniManifestUrl(cp)} -o ${DIR}/cni.yaml
${registry ? rewriteManifestImages(`${DIR}/cni.yaml`, registry) : ""}kubectl ${ADMIN} apply --server-side --force-conflicts -f ${DIR}/cni.yaml >&2
`.trimStart();
}

/** Waits until every expected node exists and is Ready. */
export function waitReadyScript(nodes: readonly string[]): string {
    return `
deadline=$((SECONDS + 1200))
for n in ${nodes.join(" ")}; do
  until kubectl ${ADMIN} get node "$n" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "node $n never registered" >&2; exit 1; }
    sleep 5
  done
done
kubectl ${ADMIN} wait --for=condition=Ready node ${nodes.join(" ")} --timeout=$((deadline - SECONDS))s >&2
`.trimStart();
}

/** Prints the admin kubeconfig (captured as a secret). */
export function kubeconfigScript(): string {
    return "cat /etc/kubernetes/admin.conf\n";
}
