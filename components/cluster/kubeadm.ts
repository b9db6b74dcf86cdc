// kubeadm configuration rendered from the typed model. Pure functions: the tests and the real `kubeadm config
// validate` read exactly what the hosts get. Secrets never enter these documents: they carry placeholders that
// the host substitutes from the step's secret environment.
import type { Input } from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { Site } from "../core/site";
import type { Host, KubeadmConfig } from "./args";
import { imageRepository } from "./images";

export const KUBEADM_API = "kubeadm.k8s.io/v1beta4";
/** Port every apiserver binds on its own address; the shared endpoint may differ (HAProxy on the masters). */
export const APISERVER_PORT = 6443;
export const CRI_SOCKET = "unix:///run/containerd/containerd.sock";

/** Placeholders substituted on the host from the step's secret environment. */
export const PLACEHOLDER = {
    token: "__OSK_BOOTSTRAP_TOKEN__",
    certificateKey: "__OSK_CERTIFICATE_KEY__",
    caCertHash: "__OSK_CA_CERT_HASH__",
} as const;

/** Extra files and flags for every apiserver (the tenant cluster passes the Keystone webhook through this). */
export interface ApiServerExtras {
    /** Extra `--name=value` flags. */
    args?: Record<string, string>;
    /** Files written on every master before init/join, mounted read-only into the apiserver. Path -> content. */
    files?: Record<string, Input<string>>;
}

export function endpointHost(cp: KubeadmConfig): string {
    return cp.endpoint.address;
}

/** `host:port` as clients and kubeadm see the shared API endpoint (IPv6 bracketed). */
export function endpointAddress(cp: KubeadmConfig): string {
    const host = cp.endpoint.address.includes(":") ? `[${cp.endpoint.address}]` : cp.endpoint.address;
    return `${host}:${cp.endpoint.port}`;
}

/** Subject alternative names on every apiserver certificate: the endpoint, every master, and loopback. */
export function certSANs(cp: KubeadmConfig): string[] {
    const sans = [cp.endpoint.address, ...cp.masters.flatMap((m) => [m.name, m.address]), "localhost", "127.0.0.1"];
    return [...new Set(sans)];
}

function args(record: Record<string, string>): { name: string; value: string }[] {
    return Object.entries(record)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value }));
}

function nodeRegistration(cp: KubeadmConfig, host: Host, extraKubeletArgs: Record<string, string>) {
    return {
        name: host.name,
        criSocket: CRI_SOCKET,
        kubeletExtraArgs: args({ "node-ip": host.address, ...extraKubeletArgs }),
        ...(cp.ignorePreflightErrors.length > 0 ? { ignorePreflightErrors: [...cp.ignorePreflightErrors] } : {}),
    };
}

export interface RenderOptions {
    /** Extra kubelet flags, e.g. { "cloud-provider": "external" }. @default {} */
    kubeletArgs?: Record<string, string>;
    apiServer?: ApiServerExtras;
}

export function clusterConfiguration(cp: KubeadmConfig, site: Site, opts: RenderOptions = {}) {
    const files = Object.keys(opts.apiServer?.files ?? {}).sort();
    return {
        apiVersion: KUBEADM_API,
        kind: "ClusterConfiguration",
        clusterName: site.name,
        kubernetesVersion: `v${cp.kubernetesVersion.replace(/^v/, "")}`,
        controlPlaneEndpoint: endpointAddress(cp),
        // The site's mirror for every control plane image; kubeadm's own default otherwise.
        ...(site.registry ? { imageRepository: imageRepository(site.registry) } : {}),
        networking: { podSubnet: cp.network.pods, serviceSubnet: cp.network.services, dnsDomain: "cluster.local" },
        apiServer: {
            certSANs: certSANs(cp),
            extraArgs: args({ ...cp.apiServerExtraArgs, ...(opts.apiServer?.args ?? {}) }),
            ...(files.length > 0
                ? {
                      extraVolumes: files.map((path, i) => ({
                          name: `osk-file-${i}`,
                          hostPath: path,
                          mountPath: path,
                          readOnly: true,
                          pathType: "File",
                      })),
                  }
                : {}),
        },
        // One active scheduler and controller-manager at a time, failing over through Lease objects.
        controllerManager: { extraArgs: args({ "leader-elect": "true", "bind-address": "0.0.0.0" }) },
        scheduler: { extraArgs: args({ "leader-elect": "true", "bind-address": "0.0.0.0" }) },
        // Stacked etcd: every master runs a member; joins with --control-plane add one each.
        etcd: { local: { dataDir: "/var/lib/etcd" } },
        // Kept in the cluster's kubeadm-config, so joins and upgrades leave a disabled add-on alone too.
        ...(cp.addons.kubeProxy ? {} : { proxy: { disabled: true } }),
        ...(cp.addons.coreDns ? {} : { dns: { disabled: true } }),
    };
}

export function kubeletConfiguration(cp: KubeadmConfig) {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        cgroupDriver: cp.kubelet.cgroupDriver,
        kubeReserved: { ...cp.kubelet.kubeReserved },
        systemReserved: { ...cp.kubelet.systemReserved },
        evictionHard: { ...cp.kubelet.evictionHard },
    };
}

/**
 * kube-proxy's settings as kubeadm takes them at init (it uploads them to the `kube-proxy` ConfigMap every node's
 * kube-proxy reads); undefined where the site keeps kube-proxy's defaults or kubeadm deploys no kube-proxy.
 */
export function kubeProxyConfiguration(cp: Pick<KubeadmConfig, "addons" | "kubeProxy">) {
    if (!cp.addons.kubeProxy || !cp.kubeProxy) return undefined;
    return {
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        mode: cp.kubeProxy.mode,
        conntrack: { maxPerCore: cp.kubeProxy.conntrackMaxPerCore },
    };
}

/** What a kubeadm configuration must agree on across its fields; keys are relative to the configuration. */
export function kubeadmProblems(cp: { addons?: { kubeProxy?: boolean }; kubeProxy?: unknown }): { key: string; message: string }[] {
    if (cp.kubeProxy !== undefined && cp.addons?.kubeProxy === false) {
        return [{ key: "kubeProxy", message: "sets kube-proxy's configuration, but addons.kubeProxy is false: kubeadm deploys no kube-proxy to take it; allowed: addons.kubeProxy true, or no kubeProxy" }];
    }
    return [];
}

/** Init configuration for the first master (with the cluster, kubelet and, when set, kube-proxy documents). */
export function renderInit(cp: KubeadmConfig, site: Site, opts: RenderOptions = {}): string {
    const first = cp.masters[0];
    const init = {
        apiVersion: KUBEADM_API,
        kind: "InitConfiguration",
        bootstrapTokens: [
            {
                token: PLACEHOLDER.token,
                ttl: "2h0m0s",
                groups: ["system:bootstrappers:kubeadm:default-node-token"],
                usages: ["signing", "authentication"],
            },
        ],
        certificateKey: PLACEHOLDER.certificateKey,
        ...localMaster(cp, first, opts),
    };
    const proxy = kubeProxyConfiguration(cp);
    return documents([init, clusterConfiguration(cp, site, opts), kubeletConfiguration(cp), ...(proxy ? [proxy] : [])]);
}

/** What makes a master's own part of its certificates: its advertised address and node name. */
function localMaster(cp: KubeadmConfig, host: Host, opts: RenderOptions) {
    return {
        localAPIEndpoint: { advertiseAddress: host.address, bindPort: APISERVER_PORT },
        nodeRegistration: nodeRegistration(cp, host, opts.kubeletArgs ?? {}),
    };
}

/**
 * What `kubeadm init phase certs apiserver` needs to issue one master's apiserver certificate: the master's own
 * address and name, and the cluster's certificate SANs, service network and endpoint. No secrets.
 */
export function renderCertificate(cp: KubeadmConfig, site: Site, host: Host, opts: RenderOptions = {}): string {
    return documents([{ apiVersion: KUBEADM_API, kind: "InitConfiguration", ...localMaster(cp, host, opts) }, clusterConfiguration(cp, site, opts)]);
}

/** Join configuration for another master (`controlPlane` set) or a worker. */
export function renderJoin(cp: KubeadmConfig, host: Host, role: "master" | "worker", opts: RenderOptions = {}): string {
    const join: Record<string, unknown> = {
        apiVersion: KUBEADM_API,
        kind: "JoinConfiguration",
        discovery: {
            bootstrapToken: {
                apiServerEndpoint: endpointAddress(cp),
                token: PLACEHOLDER.token,
                caCertHashes: [PLACEHOLDER.caCertHash],
            },
        },
        nodeRegistration: nodeRegistration(cp, host, opts.kubeletArgs ?? {}),
    };
    if (role === "master") {
        join.controlPlane = {
            localAPIEndpoint: { advertiseAddress: host.address, bindPort: APISERVER_PORT },
            certificateKey: PLACEHOLDER.certificateKey,
        };
    }
    return documents([join, kubeletConfiguration(cp)]);
}

function documents(docs: unknown[]): string {
    return docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
}
