// The stack configuration's shape: one schema per top-level `osk:` key. Each section parses on its own,
// so one broken section does not hide the problems of the others. Cross-field rules live in rules.ts.
import { z } from "zod";
import { isIpAddress, parseNetwork } from "../../components/net/cidr";

// ---- reusable field types ----------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const K8S_VERSION = /^v?1\.\d+\.\d+$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const IFACE = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,14}$/;

export const dnsLabel = z.string().regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', 1-63 characters");
export const dnsName = z.string().regex(DNS_NAME, "must be a DNS name such as cloud.example.net (lower case)");
export const exactVersion = z
    .string()
    .regex(EXACT_VERSION, "must be an exact version such as 2025.1.3+abc1234 or 1.2.0; ranges (^, ~, x, *, >=) are not allowed");
export const ipAddress = z.string().refine(isIpAddress, "must be an IPv4 or IPv6 address");
export const hostAddress = z
    .string()
    .refine((s) => isIpAddress(s) || DNS_NAME.test(s), "must be an IP address or a DNS name");
export const cidr = z.string().superRefine((s, ctx) => {
    try {
        parseNetwork(s);
    } catch (e) {
        ctx.addIssue({ code: "custom", message: `must be a network in CIDR notation: ${(e as Error).message}` });
    }
});
export const port = z.number().int().min(1, "must be a port number 1-65535").max(65535, "must be a port number 1-65535");
export const interfaceName = z.string().regex(IFACE, "must be a network interface name such as eth1 or bond0.100");
export const httpUrl = z
    .string()
    .refine((s) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(s), "must be an http:// or https:// URL");

/** A Kubernetes label key: optional DNS-subdomain prefix, then a name of at most 63 characters. */
export const labelKey = z.string().superRefine((key, ctx) => {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && !DNS_NAME.test(prefix)) || !LABEL_NAME.test(name)) {
        ctx.addIssue({
            code: "custom",
            message: "must be a label key: [dns-prefix/]name, name 1-63 of letters, digits, '-', '_', '.'",
        });
    }
});
export const labelValue = z.string().regex(LABEL_VALUE, "must be a label value: at most 63 letters, digits, '-', '_', '.'");

// ---- osk:site ----------------------------------------------------------------------------------------------

export const PROFILES = ["dev", "prod"] as const;

export const siteSchema = z.strictObject({
    /** Site name; prefixes cluster-scoped names. */
    name: dnsLabel,
    /** `dev`: all-in-one, single replicas. `prod`: HA everywhere. */
    profile: z.enum(PROFILES),
    /** OpenStack region name. */
    region: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/, "must be a region name such as RegionOne"),
    /** Public DNS domain under which the APIs are published. */
    domain: dnsName,
});

// ---- osk:controlPlane --------------------------------------------------------------------------------------

const host = z.strictObject({
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

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a Kubernetes quantity such as 500m or 1Gi");
const evictionSignal = z.string().regex(/^\d+(\.\d+)?(%|Ki|Mi|Gi|Ti)?$/, "must be a quantity or a percentage such as 500Mi or 10%");

const kubeadmControlPlane = z.strictObject({
    mode: z.literal("kubeadm"),
    /** Exact Kubernetes version for kubelet, kubeadm and the control plane images, e.g. 1.33.4. */
    kubernetesVersion: z.string().regex(K8S_VERSION, "must be an exact Kubernetes version such as 1.33.4"),
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
        user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name"),
        /** @default 22 */
        port: port.default(22),
        /** Optional bastion every connection goes through. */
        jumpHost: z
            .strictObject({ address: hostAddress, user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name"), port: port.default(22) })
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
    /** Extra `--flag=value` arguments for every apiserver. @default {} */
    apiServerExtraArgs: z.record(z.string().regex(/^[a-z0-9-]+$/, "must be a flag name without dashes, e.g. audit-log-path"), z.string()).default({}),
    masters: z.array(host).min(1, "needs at least one master"),
    /** @default [] */
    workers: z.array(host).default([]),
});

const existingControlPlane = z.strictObject({
    mode: z.literal("existing"),
    /** Names of the cluster's nodes, so node roles can be checked. The kubeconfig is the secret `osk:kubeconfig`. */
    nodes: z.array(dnsLabel).min(1, "needs at least one node name"),
});

export const controlPlaneSchema = z.discriminatedUnion("mode", [kubeadmControlPlane, existingControlPlane], {
    error: "mode must be one of: kubeadm, existing",
});

// ---- osk:nodeRoles -----------------------------------------------------------------------------------------

export const nodeRolesSchema = z.strictObject({
    /** Nodes labelled `openstack-control-plane=enabled` (APIs, agents, jobs, MariaDB, RabbitMQ). */
    controlPlane: z.array(dnsLabel).min(1, "needs at least one node"),
    /** Nodes labelled `openstack-compute-node=enabled` (libvirt, nova-compute). */
    compute: z.array(dnsLabel).default([]),
    /** Nodes labelled `openvswitch=enabled`. @default every control-plane and compute node */
    openvswitch: z.array(dnsLabel).optional(),
    /** Extra labels per node name. @default {} */
    custom: z.record(dnsLabel, z.record(labelKey, labelValue)).default({}),
});

// ---- osk:charts --------------------------------------------------------------------------------------------

/** Every chart OSK can deploy. Services beyond the infra set are deployed only when enabled. */
export const INFRA_CHARTS = ["mariadb", "rabbitmq", "memcached", "openvswitch", "libvirt"] as const;
export const STORAGE_CHARTS = { ceph: ["rook-ceph", "rook-ceph-cluster", "ceph-adapter-rook"], local: ["local-storage"] } as const;
export const SERVICES = ["keystone", "glance", "placement", "nova", "neutron", "cinder", "horizon", "heat", "barbican", "octavia", "manila"] as const;
export const KNOWN_CHARTS: readonly string[] = [...INFRA_CHARTS, ...STORAGE_CHARTS.ceph, ...STORAGE_CHARTS.local, ...SERVICES];

const chartSource = z.union([
    z.strictObject({ repository: httpUrl }),
    z.strictObject({ directory: z.string().min(1, "must be a directory path") }),
], { error: "must be { repository: <http(s) URL> } or { directory: <path> }" });
const chartName = z.string().refine((name) => KNOWN_CHARTS.includes(name), {
    error: (i) => `unknown chart "${String(i.input)}"; allowed: ${KNOWN_CHARTS.join(", ")}`,
});

export const chartsSchema = z.strictObject({
    /** Where charts come from: a Helm repository URL or a local directory of chart folders/tarballs. */
    source: chartSource,
    /** Per-chart source, for charts published elsewhere (e.g. Rook's). @default {} */
    sourceOverrides: z.record(chartName, chartSource).default({}),
    /** Exact version per chart name. */
    versions: z.record(chartName, exactVersion),
});

// ---- osk:platform ------------------------------------------------------------------------------------------

export const platformSchema = z
    .strictObject({
        storage: z
            .strictObject({
                /** `ceph` (Rook) or `local` (node-local provisioner). @default prod: ceph, dev: local */
                backend: z.enum(["ceph", "local"]).optional(),
                /** Ceph OSD devices per node, e.g. { "cp-1": ["/dev/sdb"] }. @default {} */
                cephDevices: z.record(dnsLabel, z.array(z.string().regex(/^\/dev\/[A-Za-z0-9/_-]+$/, "must be a device path under /dev"))).default({}),
            })
            .default({ cephDevices: {} }),
        gateway: z
            .strictObject({
                /** How the public APIs are published: Gateway API HTTPRoutes or Ingresses. @default "gateway" */
                kind: z.enum(["gateway", "ingress"]).default("gateway"),
                /** GatewayClass (kind gateway) or IngressClass (kind ingress) that publishes them. @default "osk-public" */
                className: dnsLabel.default("osk-public"),
                /** TLS Secret (in the openstack namespace) holding the certificate for the public names. @default "osk-public-tls" */
                tlsSecretName: dnsLabel.default("osk-public-tls"),
                /** Address the public names resolve to, when known. */
                address: ipAddress.optional(),
            })
            .default({ kind: "gateway", className: "osk-public", tlsSecretName: "osk-public-tls" }),
        /** Install releases one at a time in the upstream guide's order instead of in parallel (slower; for
         * comparison and troubleshooting). @default false */
        serialReleases: z.boolean().default(false),
        /** Per-credential rotation tokens: change a token to generate that credential anew. @default {} */
        rotation: z.record(z.string().regex(/^[a-z0-9-]+$/, "must be a credential name such as keystone-admin"), z.string().min(1)).default({}),
    })
    .default({
        storage: { cephDevices: {} },
        gateway: { kind: "gateway", className: "osk-public", tlsSecretName: "osk-public-tls" },
        serialReleases: false,
        rotation: {},
    });

// ---- osk:openstack -----------------------------------------------------------------------------------------

export const openstackSchema = z.strictObject({
    /** Services to deploy. Keystone is always needed. */
    services: z.array(z.enum(SERVICES)).min(1, "needs at least keystone"),
    neutron: z.strictObject({
        /** Interface carrying VXLAN tenant traffic on every OVS node. */
        tunnelInterface: interfaceName,
        /** OVS bridge for external (provider) traffic. @default "br-ex" */
        externalBridge: z.string().regex(/^br-[a-z0-9-]{1,12}$/, "must be an OVS bridge name such as br-ex").default("br-ex"),
        /** Physical interface plugged into the external bridge. */
        externalInterface: interfaceName,
        /** Provider network name mapped to the external bridge. @default "public" */
        physicalNetwork: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a provider network name such as public").default("public"),
        /** VXLAN VNI range. @default "1:1000" */
        vniRanges: z
            .string()
            .regex(/^\d+:\d+$/, "must be a range such as 1:1000")
            .refine((r) => {
                const [lo, hi] = r.split(":").map(Number);
                return lo >= 1 && lo <= hi && hi <= 16777215;
            }, "must satisfy 1 <= low <= high <= 16777215")
            .default("1:1000"),
    }),
});

// ---- osk:tenant --------------------------------------------------------------------------------------------

export const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"] as const;

const policyRule = z.strictObject({
    /** Keystone project whose members the rule applies to. */
    project: z.string().min(1, "must name a Keystone project"),
    /** Keystone role the user must hold in that project. */
    role: z.string().min(1, "must name a Keystone role"),
    /** Namespaces the permission covers; "*" for all. */
    namespaces: z.array(z.union([dnsLabel, z.literal("*")])).min(1, "needs at least one namespace or \"*\""),
    /** Resources, e.g. pods, deployments, or "*". */
    resources: z.array(z.string().regex(/^(\*|[a-z][a-z0-9.-]*(\/[a-z]+)?)$/, "must be a resource name such as pods or pods/log, or *")).min(1, "needs at least one resource"),
    verbs: z.array(z.enum(VERBS)).min(1, "needs at least one verb"),
});

const storageClass = z.strictObject({
    name: dnsLabel,
    /** Cinder volume type. @default the cloud's default type */
    volumeType: z.string().min(1).optional(),
    /** Availability zone. @default the cloud's default zone */
    availability: z.string().min(1).optional(),
    /** @default "Delete" */
    reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete"),
    /** @default false */
    default: z.boolean().default(false),
});

const tenantEnabled = z.strictObject({
    enabled: z.literal(true),
    /** Which OpenStack: the one this stack deploys (`site`) or an existing cloud. */
    cloud: z.discriminatedUnion("source", [
        z.strictObject({ source: z.literal("site") }),
        z.strictObject({
            source: z.literal("existing"),
            authUrl: httpUrl,
            region: z.string().min(1),
            /** Admin-capable user; its password is the secret `osk:tenantCloudPassword`. */
            username: z.string().min(1),
            projectName: z.string().min(1),
            userDomain: z.string().min(1).default("Default"),
            projectDomain: z.string().min(1).default("Default"),
        }),
    ], { error: "source must be one of: site, existing" }),
    /** Cluster name; names every OpenStack object of the tenant cluster. */
    name: dnsLabel,
    /** Build the network, instances, load balancer and control plane on OpenStack. `false` (the lab, which has no
     * Nova, Neutron or Octavia) keeps the identity and the in-cluster add-ons only. @default true */
    infrastructure: z.boolean().default(true),
    /** Keystone project that owns the cluster. */
    project: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/, "must be a project name"),
    kubernetesVersion: z.string().regex(K8S_VERSION, "must be an exact Kubernetes version such as 1.33.4"),
    image: z.string().min(1, "must name a Glance image"),
    masters: z.strictObject({ count: z.number().int().min(1).max(7), flavor: z.string().min(1) }),
    workers: z.strictObject({ count: z.number().int().min(0).max(500), flavor: z.string().min(1) }),
    /** Existing Nova key pair injected into every instance. */
    keyPair: z.string().min(1),
    network: z.strictObject({
        nodes: cidr,
        /** @default 10.244.0.0/16 */
        pods: cidr.default("10.244.0.0/16"),
        /** @default 10.96.0.0/12 */
        services: cidr.default("10.96.0.0/12"),
        /** External network the router and floating IPs use. */
        externalNetwork: z.string().min(1),
        /** @default [] (the cloud's resolver) */
        dnsNameservers: z.array(ipAddress).default([]),
    }),
    /** Roles the tenant's service user holds in the project and delegates to its application credential (the
     * cloud controller, the CSI drivers and OSK's own calls use it). Clouds that enforce Octavia's older policy
     * need "load-balancer_member" as well. @default ["member"] */
    roles: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a Keystone role name")).min(1, "needs at least one role").default(["member"]),
    /** How OSK reaches the instances over SSH: their fixed addresses, optionally through a bastion. */
    ssh: z
        .strictObject({
            /** Login user of the image, with passwordless sudo. @default "ubuntu" */
            user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name").default("ubuntu"),
            /** Bastion with a route to the tenant network. @default none (OSK runs where the tenant network is routed) */
            jumpHost: z
                .strictObject({ address: hostAddress, user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name"), port: port.default(22) })
                .optional(),
        })
        .default({ user: "ubuntu" }),
    /** Pod network plugin of the tenant cluster. @default calico v3.30.3 */
    cni: z
        .strictObject({
            plugin: z.enum(CNI_PLUGINS),
            version: z.string().regex(/^v\d+\.\d+\.\d+$/, "must be an exact version such as v3.30.3"),
            manifestUrl: httpUrl.optional(),
        })
        .default({ plugin: "calico", version: "v3.30.3" }),
    /** In-cluster integrations: cloud controller, CSI drivers, Keystone webhook. */
    addons: z
        .strictObject({
            /** Registry the add-on images come from; air-gapped sites point at their mirror. @default "registry.k8s.io" */
            registry: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, "must be a registry host with an optional path, e.g. registry.example.net/k8s").default("registry.k8s.io"),
            /** Run openstack-cloud-controller-manager. Off only where the cluster is not on OpenStack instances (the lab). @default true */
            cloudController: z.boolean().default(true),
            /** Run the Cinder CSI driver (the Cinder StorageClasses need it). @default true */
            cinderCsi: z.boolean().default(true),
        })
        .default({ registry: "registry.k8s.io", cloudController: true, cinderCsi: true }),
    /** What `pulumi destroy` may do to the tenant's data. */
    destroy: z
        .strictObject({
            /** Let a destroy delete volume claims whose volumes go with them (reclaim policy Delete). Off, such a claim
             * stops the destroy before anything is deleted. @default false */
            allowVolumeDeletion: z.boolean().default(false),
        })
        .default({ allowVolumeDeletion: false }),
    /** Give every instance a floating IP. @default false */
    floatingIps: z.boolean().default(false),
    /** Who may reach the Kubernetes API. */
    apiAllowedCidrs: z.array(cidr).min(1, "needs at least one network allowed to reach the API"),
    /** Who may SSH to the instances. @default [] */
    sshAllowedCidrs: z.array(cidr).default([]),
    /** Accept 0.0.0.0/0 or ::/0 in the lists above. @default false */
    allowWorldOpen: z.boolean().default(false),
    storage: z
        .strictObject({
            cinderClasses: z.array(storageClass).default([]),
            manila: z
                .strictObject({
                    enabled: z.boolean(),
                    /** Manila share type (required by the driver). */
                    shareType: z.string().min(1),
                    shareNetworkId: z.string().min(1).optional(),
                    availability: z.string().min(1).optional(),
                    /** @default "Delete" */
                    reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete"),
                })
                .optional(),
        })
        .default({ cinderClasses: [] }),
    keystoneAuth: z
        .strictObject({
            /** Keystone project + role -> Kubernetes permissions. */
            policy: z.array(policyRule).default([]),
            sync: z
                .strictObject({
                    enabled: z.boolean(),
                    /** Namespace name for a synced project; must contain %i (the project ID). @default "%i" */
                    namespaceFormat: z.string().default("%i"),
                })
                .default({ enabled: false, namespaceFormat: "%i" }),
        })
        .default({ policy: [], sync: { enabled: false, namespaceFormat: "%i" } }),
});

export const tenantSchema = z
    .discriminatedUnion("enabled", [z.strictObject({ enabled: z.literal(false) }), tenantEnabled], {
        error: "enabled must be true (with a full tenant cluster description) or false",
    })
    .default({ enabled: false });

// ---- secrets -----------------------------------------------------------------------------------------------

/** Top-level keys that carry secrets. They must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = {
    sshPrivateKey: "SSH private key (PEM/OpenSSH) for the kubeadm hosts",
    kubeconfig: "kubeconfig of an existing cluster (controlPlane.mode: existing)",
    tenantCloudPassword: "password of tenant.cloud.username on an existing cloud",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

/** Structured sections, in the order problems are reported. */
export const SECTIONS = {
    site: siteSchema,
    controlPlane: controlPlaneSchema,
    nodeRoles: nodeRolesSchema,
    charts: chartsSchema,
    platform: platformSchema,
    openstack: openstackSchema,
    tenant: tenantSchema,
} as const;
export type SectionName = keyof typeof SECTIONS;
export const OPTIONAL_SECTIONS: readonly SectionName[] = ["platform", "tenant"];

export type Site = z.infer<typeof siteSchema>;
export type ControlPlaneConfig = z.infer<typeof controlPlaneSchema>;
export type KubeadmConfig = z.infer<typeof kubeadmControlPlane>;
export type ExistingClusterConfig = z.infer<typeof existingControlPlane>;
export type Host = z.infer<typeof host>;
export type NodeRolesConfig = z.infer<typeof nodeRolesSchema>;
export type ChartsConfig = z.infer<typeof chartsSchema>;
export type PlatformConfig = z.infer<typeof platformSchema>;
export type OpenStackConfig = z.infer<typeof openstackSchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
export type TenantClusterConfig = z.infer<typeof tenantEnabled>;
export type PolicyRule = z.infer<typeof policyRule>;
export type ServiceName = (typeof SERVICES)[number];
