// The images a kubeadm control plane runs, and where they come from when the site has a mirror. kubeadm pulls
// every control plane image from one `imageRepository` (CoreDNS flat under it, not in a `coredns/` folder),
// containerd's sandbox image follows it, and the CNI manifest's images are rewritten on the host.
import { mirrorImage, mirrorPrefix, type Registry } from "../core/registry";
import type { KubeadmConfig } from "./args";

/** One image the control plane runs: the pinned source and the reference the hosts pull. */
export interface ControlPlaneImage {
    source: string;
    pulled: string;
}

/** The etcd, CoreDNS and pause images kubeadm pins per Kubernetes minor (kubeadm's constants at that release). */
export const KUBEADM_PINS: Readonly<Record<string, { etcd: string; coredns: string; pause: string }>> = {
    "1.33": { etcd: "3.5.21-0", coredns: "v1.12.0", pause: "3.10" },
};

const UPSTREAM = "registry.k8s.io";

/** The registry kubeadm pulls from: the site's mirror, or upstream. */
export function imageRepository(registry: Registry | undefined): string {
    return registry ? mirrorPrefix(registry) : UPSTREAM;
}

/** Every image kubeadm itself runs at the configured version (apiserver, controller manager, scheduler, proxy, etcd, CoreDNS, sandbox). */
export function kubeadmImages(cp: KubeadmConfig, registry: Registry | undefined): ControlPlaneImage[] {
    const version = `v${cp.kubernetesVersion.replace(/^v/, "")}`;
    const minor = version.slice(1).split(".").slice(0, 2).join(".");
    const pins = KUBEADM_PINS[minor];
    if (!pins) throw new Error(`controlPlane.kubernetesVersion ${version}: OSK knows the etcd, CoreDNS and pause pins of kubeadm ${Object.keys(KUBEADM_PINS).join(", ")} only; add ${minor} to KUBEADM_PINS (from \`kubeadm config images list\`)`);
    const repo = imageRepository(registry);
    const own = (name: string, tag: string, upstreamPath = name) => {
        const source = `${UPSTREAM}/${upstreamPath}:${tag}`;
        return { source, pulled: registry ? `${repo}/${name}:${tag}` : source };
    };
    return [
        ...["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"].map((n) => own(n, version)),
        own("etcd", pins.etcd),
        own("coredns", pins.coredns, "coredns/coredns"),
        own("pause", pins.pause),
    ];
}

/** The images of the CNI manifest OSK applies by default for the plugin and version. */
export function cniImages(cp: KubeadmConfig, registry: Registry | undefined): ControlPlaneImage[] {
    const sources = cp.cni.plugin === "calico"
        ? ["cni", "node", "kube-controllers"].map((n) => `docker.io/calico/${n}:${cp.cni.version}`)
        : [`ghcr.io/flannel-io/flannel:${cp.cni.version}`];
    return sources.map((source) => ({ source, pulled: mirrorImage(source, registry) }));
}

/** Shell that points every `image:` of a manifest file at the mirror (registry part only) and fails on any left elsewhere. */
export function rewriteManifestImages(file: string, registry: Registry): string {
    const prefix = mirrorPrefix(registry);
    return `
sed -E -i 's#^([[:space:]-]*image:[[:space:]]*["'"'"']?)(docker\\.io/|quay\\.io/|ghcr\\.io/|registry\\.k8s\\.io/)#\\1${prefix}/#' ${file}
if grep -E '^[[:space:]-]*image:' ${file} | grep -v '${prefix}/' >&2; then echo "these images of ${file} are not on the mirror ${prefix}" >&2; exit 1; fi
`.trimStart();
}

/** Shell that makes containerd's sandbox image the mirror's (kubeadm's pause pin). */
export function sandboxImageScript(cp: KubeadmConfig, registry: Registry): string {
    const pause = kubeadmImages(cp, registry).find((i) => i.source.includes("/pause:"))!.pulled;
    return `sed -E -i 's#^([[:space:]]*sandbox_image[[:space:]]*=[[:space:]]*).*#\\1"${pause}"#' /etc/containerd/config.toml\n`;
}
