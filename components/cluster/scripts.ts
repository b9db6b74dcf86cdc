// Shell steps run on the hosts. Each one is guarded so a rerun after a partial failure finishes the job
// instead of failing on what is already done. Secrets arrive as environment variables, never in the text.
import type { Host, KubeadmConfig } from "./args";
import { writeFileScript as writeFile } from "../remote/files";
import { PLACEHOLDER } from "./kubeadm";
import type { Registry } from "../core/registry";
import { kubeadmImages, rewriteManifestImages, sandboxImageScript } from "./images";

const DIR = "/etc/osk";
const ADMIN = "--kubeconfig /etc/kubernetes/admin.conf";

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

/** Host preparation: kernel settings, containerd, and kubelet/kubeadm/kubectl pinned to the version. */
export function prepareScript(cp: KubeadmConfig, registry?: Registry): string {
    const version = cp.kubernetesVersion.replace(/^v/, "");
    const repo = kubernetesRepository(cp);
    return `
export DEBIAN_FRONTEND=noninteractive
command -v apt-get >/dev/null || { echo "only Debian/Ubuntu hosts are supported (apt-get not found)" >&2; exit 1; }
swapoff -a
sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab
printf 'overlay\\nbr_netfilter\\n' > /etc/modules-load.d/osk.conf
modprobe overlay; modprobe br_netfilter
printf 'net.bridge.bridge-nf-call-iptables = 1\\nnet.bridge.bridge-nf-call-ip6tables = 1\\nnet.ipv4.ip_forward = 1\\n' > /etc/sysctl.d/90-osk.conf
sysctl --system >/dev/null
installed=$(dpkg-query -W -f='\${Version}' kubeadm 2>/dev/null || true)
if [ "\${installed%%-*}" != "${version}" ]; then
  apt-get update -q
  apt-get install -y -q apt-transport-https ca-certificates curl gpg containerd
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL ${repo}Release.key | gpg --dearmor --yes -o /etc/apt/keyrings/osk-kubernetes.gpg
  echo "deb [signed-by=/etc/apt/keyrings/osk-kubernetes.gpg] ${repo} /" > /etc/apt/sources.list.d/osk-kubernetes.list
  apt-get update -q
  apt-mark unhold kubelet kubeadm kubectl >/dev/null 2>&1 || true
  apt-get install -y -q --allow-downgrades kubelet=${version}-* kubeadm=${version}-* kubectl=${version}-*
  apt-mark hold kubelet kubeadm kubectl >/dev/null
fi
if ! grep -q 'SystemdCgroup = true' /etc/containerd/config.toml 2>/dev/null; then
  install -d /etc/containerd
  containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
  systemctl restart containerd
fi
${registry ? `grep -q '${kubeadmImages(cp, registry).find((i) => i.source.includes("/pause:"))!.pulled}' /etc/containerd/config.toml || { ${sandboxImageScript(cp, registry).trim()}; systemctl restart containerd; }
` : ""}systemctl enable --now containerd kubelet >/dev/null 2>&1 || true
`.trimStart();
}

/** HAProxy and keepalived for the VIP, (re)started only when their configuration changed. */
export function loadBalancerScript(haproxy: string, keepalived: string): string {
    return `
export DEBIAN_FRONTEND=noninteractive
dpkg -s haproxy keepalived >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q haproxy keepalived; }
old=$(cat /etc/haproxy/haproxy.cfg /etc/keepalived/keepalived.conf 2>/dev/null | sha256sum)
${writeFile("/etc/haproxy/haproxy.cfg", haproxy)}
${writeFile("/etc/keepalived/keepalived.conf", keepalived)}
haproxy -c -f /etc/haproxy/haproxy.cfg >/dev/null
new=$(cat /etc/haproxy/haproxy.cfg /etc/keepalived/keepalived.conf | sha256sum)
systemctl enable haproxy keepalived >/dev/null
if [ "$old" != "$new" ]; then systemctl restart haproxy keepalived; fi
`.trimStart();
}

/**
 * First master: kubeadm init once; on every run, re-upload the control-plane certificates under the
 * certificate key and make sure the bootstrap token exists, so later joins work even hours after init.
 * Prints the CA certificate hash joins pin.
 */
export function initScript(): string {
    return `
${substituteScript(INIT_TEMPLATE, `${DIR}/kubeadm-init.yaml`)}
if [ ! -f /etc/kubernetes/admin.conf ]; then
  kubeadm init --config ${DIR}/kubeadm-init.yaml --upload-certs >&2
else
  kubeadm init phase upload-certs --upload-certs --config ${DIR}/kubeadm-init.yaml >/dev/null
fi
kubeadm token list ${ADMIN} -o jsonpath='{.token}{"\\n"}' 2>/dev/null | grep -qx "$OSK_BOOTSTRAP_TOKEN" \\
  || kubeadm token create "$OSK_BOOTSTRAP_TOKEN" --ttl 2h ${ADMIN} >/dev/null
hash=$(openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)
echo "sha256:$hash"
`.trimStart();
}

/** Another master or a worker: join once; a node that already has a kubelet.conf is done. */
export function joinScript(): string {
    return `
${substituteScript(JOIN_TEMPLATE, `${DIR}/kubeadm-join.yaml`)}
if [ ! -f /etc/kubernetes/kubelet.conf ]; then
  kubeadm join --config ${DIR}/kubeadm-join.yaml >&2
fi
`.trimStart();
}

/** Removes a node from the cluster (run on the first master when the node leaves the inventory). */
export function removeNodeScript(host: Host, role: "master" | "worker"): string {
    const etcd = role === "master"
        ? `
pod=$(kubectl ${ADMIN} -n kube-system get pods -l component=etcd -o name | grep -v "etcd-${host.name}$" | head -n1)
if [ -n "$pod" ]; then
  e="kubectl ${ADMIN} -n kube-system exec $pod -- etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key"
  id=$($e member list | awk -F', ' '$3 == "${host.name}" {print $1}')
  if [ -n "$id" ]; then $e member remove "$id" >&2; fi
fi`
        : "";
    return `
if kubectl ${ADMIN} get node ${host.name} >/dev/null 2>&1; then
  kubectl ${ADMIN} drain ${host.name} --ignore-daemonsets --delete-emptydir-data --timeout=10m >&2
  kubectl ${ADMIN} delete node ${host.name} >&2
fi${etcd}
`.trimStart();
}

/** Run on the node itself after it left the cluster: wipes kubeadm state so it can join anew. */
export function resetScript(): string {
    return `
if command -v kubeadm >/dev/null && [ -f /etc/kubernetes/kubelet.conf ]; then
  kubeadm reset -f >&2
  rm -rf /etc/cni/net.d ${DIR}/kubeadm-*.yaml*
fi
`.trimStart();
}

/** The CNI manifest for the configured plugin and version. */
export function cniManifestUrl(cp: KubeadmConfig): string {
    if (cp.cni.manifestUrl) return cp.cni.manifestUrl;
    return cp.cni.plugin === "calico"
        ? `https://raw.githubusercontent.com/projectcalico/calico/${cp.cni.version}/manifests/calico.yaml`
        : `https://github.com/flannel-io/flannel/releases/download/${cp.cni.version}/kube-flannel.yml`;
}

export function cniScript(cp: KubeadmConfig, registry?: Registry): string {
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
