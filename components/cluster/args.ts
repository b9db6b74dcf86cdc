// The arguments of the control plane: a kubeadm cluster OSK builds over SSH, or an existing cluster it is given.
// The schema is the component's own; the stack configuration embeds it as `osk:controlPlane`.
import { z } from "zod";
import { cidr, hostAddress, httpUrl, interfaceName, ipAddress, kubernetesVersion, port, quantity, unixUser, dnsLabel } from "../core/fields";

export const hostSchema = z.strictObject({
    /** Node name as Kubernetes will know it. */
    name: dnsLabel,
    /** Address the node is reached at over SSH and joins the cluster with. */
    address: ipAddress,
});

/** `bridge`: no manifest; every node gets a bridge network over its own slice of the pod network, from the CNI
 * plugins its machine image carries (containernetworking-plugins), with routes to the other nodes' slices: for
 * nodes on one L2 segment that need no overlay. */
export const CNI_PLUGINS = ["calico", "flannel", "bridge"] as const;
/** kubeadm preflight check names as `--ignore-preflight-errors` takes them, e.g. `HTTPProxyCIDR`. */
const PREFLIGHT_CHECK = /^[A-Za-z][A-Za-z0-9-]*$/;

const endpoint = z.discriminatedUnion("type", [
    z.strictObject({
        /** A virtual IP held by keepalived on the masters, fronted by HAProxy. */
        type: z.literal("vip"),
        address: ipAddress,
        /** Port clients use on the VIP. @default 8443 (HAProxy; the apiservers stay on 6443) */
        port: port.default(8443),
        /** Interface keepalived announces the VIP on. */
        interface: interfaceName,
    }),
    z.strictObject({
        /** An external load balancer already in front of the masters. */
        type: z.literal("loadBalancer"),
        address: hostAddress,
        /** @default 6443 */
        port: port.default(6443),
    }),
]);

const evictionSignal = z.string().regex(/^\d+(\.\d+)?(%|Ki|Mi|Gi|Ti)?$/, "must be a quantity or a percentage such as 500Mi or 10%");

export const kubeadmSchema = z.strictObject({
    mode: z.literal("kubeadm"),
    /** Exact Kubernetes version for kubelet, kubeadm and the control plane images, e.g. 1.33.4. */
    kubernetesVersion: kubernetesVersion,
    /** The one address every client and node uses for the API. */
    endpoint,
    network: z.strictObject({
        /** Network the nodes' addresses (and the VIP) live in. */
        nodes: cidr,
        /** Pod network. @default 10.244.0.0/16 */
        pods: cidr.default("10.244.0.0/16"),
        /** Service network. @default 10.96.0.0/12 */
        services: cidr.default("10.96.0.0/12"),
    }),
    cni: z.strictObject({
        plugin: z.enum(CNI_PLUGINS),
        version: z.string().regex(/^v\d+\.\d+\.\d+$/, "must be an exact version such as v3.30.3"),
        /** Manifest to apply; air-gapped sites point at their mirror. @default the plugin's upstream release manifest */
        manifestUrl: httpUrl.optional(),
    }),
    ssh: z.strictObject({
        /** Login user with passwordless sudo. The private key is the secret `osk:sshPrivateKey`. */
        user: unixUser,
        /** @default 22 */
        port: port.default(22),
        /** Optional bastion every connection goes through. */
        jumpHost: z
            .strictObject({ address: hostAddress, user: unixUser, port: port.default(22) })
            .optional(),
    }),
    /** Where the hosts get their packages; air-gapped sites point at a mirror. */
    packages: z
        .strictObject({
            /** Base URL of a Kubernetes package mirror. @default the upstream package repository */
            kubernetesRepository: httpUrl.optional(),
            /** @default containerd from the distribution */
            containerRuntime: z.enum(["containerd"]).default("containerd"),
        })
        .default({ containerRuntime: "containerd" }),
    kubelet: z
        .strictObject({
            kubeReserved: z.strictObject({ cpu: quantity, memory: quantity }).default({ cpu: "500m", memory: "1Gi" }),
            systemReserved: z.strictObject({ cpu: quantity, memory: quantity }).default({ cpu: "500m", memory: "1Gi" }),
            evictionHard: z.partialRecord(z.enum(["memory.available", "nodefs.available", "imagefs.available", "nodefs.inodesFree"]), evictionSignal)
                .default({ "memory.available": "500Mi", "nodefs.available": "10%" }),
            /** How the kubelet and containerd manage cgroups: `systemd` where systemd is PID 1, `cgroupfs` where the
             * host has no systemd (containers, minimal images). @default "systemd" */
            cgroupDriver: z.enum(["systemd", "cgroupfs"]).default("systemd"),
        })
        .default({
            kubeReserved: { cpu: "500m", memory: "1Gi" },
            systemReserved: { cpu: "500m", memory: "1Gi" },
            evictionHard: { "memory.available": "500Mi", "nodefs.available": "10%" },
            cgroupDriver: "systemd",
        }),
    /** kubeadm preflight checks whose failure init and join accept, by name (e.g. `HTTPProxyCIDR`). Each one hides
     * a problem kubeadm would otherwise stop for; `all` is refused. @default [] */
    ignorePreflightErrors: z
        .array(
            z.string().regex(PREFLIGHT_CHECK, "must be a kubeadm preflight check name such as HTTPProxyCIDR").refine((c) => c.toLowerCase() !== "all", {
                error: "\"all\" would hide every preflight failure; name the checks one by one",
            }),
        )
        .default([]),
    /** kubeadm's cluster add-ons. Off where the site brings its own (a CNI replacing kube-proxy, its own DNS). */
    addons: z
        .strictObject({
            /** Deploy kube-proxy. @default true */
            kubeProxy: z.boolean().default(true),
            /** Deploy CoreDNS. @default true */
            coreDns: z.boolean().default(true),
        })
        .default({ kubeProxy: true, coreDns: true }),
    /** kube-proxy's own settings, where the hosts need other than its defaults (kubeadm uploads them to the
     * `kube-proxy` ConfigMap at init). Needs `addons.kubeProxy`. @default kube-proxy's defaults */
    kubeProxy: z
        .strictObject({
            /** How Services are programmed: `iptables`, `nftables` (kernel 5.13 or newer) or `ipvs`. @default "iptables" */
            mode: z.enum(["iptables", "nftables", "ipvs"]).default("iptables"),
            /** Conntrack entries per CPU core that kube-proxy raises `nf_conntrack_max` to; 0 leaves the host's limit
             * alone, as hosts whose sysctl is read-only need (a container, a network namespace) or whose limit is
             * managed elsewhere. @default 32768 */
            conntrackMaxPerCore: z.number().int().min(0).default(32768),
        })
        .optional(),
    /** Extra `--flag=value` arguments for every apiserver. @default {} */
    apiServerExtraArgs: z.record(z.string().regex(/^[a-z0-9-]+$/, "must be a flag name without dashes, e.g. audit-log-path"), z.string()).default({}),
    masters: z.array(hostSchema).min(1, "needs at least one master"),
    /** @default [] */
    workers: z.array(hostSchema).default([]),
});

export const existingClusterSchema = z.strictObject({
    mode: z.literal("existing"),
    /** Names of the cluster's nodes, so node roles can be checked. The kubeconfig is the secret `osk:kubeconfig`. */
    nodes: z.array(dnsLabel).min(1, "needs at least one node name"),
});

export const controlPlaneSchema = z.discriminatedUnion("mode", [kubeadmSchema, existingClusterSchema], {
    error: "mode must be one of: kubeadm, existing",
});

/** A kubeadm control plane as the component receives it (defaults not yet applied). */
export type KubeadmConfigInput = z.input<typeof kubeadmSchema>;
/** A kubeadm control plane with every default applied. */
export type KubeadmConfig = z.infer<typeof kubeadmSchema>;
export type ExistingClusterConfig = z.infer<typeof existingClusterSchema>;
export type ControlPlaneConfig = z.infer<typeof controlPlaneSchema>;
/** One host: the node name Kubernetes knows it by and the address OSK reaches it at. */
export type Host = z.infer<typeof hostSchema>;
