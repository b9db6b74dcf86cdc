// Typed Helm values for every chart OSK deploys. Pure: the component passes secret Outputs, the tests and the
// committed snapshots pass readable placeholders. Secrets are asked for by name through `secret(name)`, so the
// set of credentials a stack needs is whatever these builders ask for.
import type { Model } from "../../stacks/config/model";
import type { ServiceName } from "../../stacks/config/schema";
import { OPENSTACK_NAMESPACE, RABBITMQ_STATEFULSET, SERVICE_CHARTS, type PublicEndpoint, type RoleLabel } from "./catalog";

export type Values = Record<string, unknown>;

export interface ValuesContext<T> {
    model: Model;
    /** A generated credential by name (the same name is the same value everywhere). */
    secret: (name: string) => T;
}

/** The StorageClass every openstack-helm StatefulSet asks for. */
export const STORAGE_CLASS = "general";
export const ROOK_NAMESPACE = "rook-ceph";
export const CEPH_NAMESPACE = "ceph";
const ENABLED = "enabled";

const isProd = (m: Model) => m.site.profile === "prod";
const ceph = (m: Model) => m.platform.storage.backend === "ceph";

/** API and worker replicas: one in dev; in prod as many as control-plane nodes allow, up to 3. */
export function serviceReplicas(m: Model): number {
    return isProd(m) ? Math.min(3, m.nodeRoles.controlPlane.length) : 1;
}

/** Galera and RabbitMQ members: 1 in dev, 3 in prod (the quorum needs an odd number). */
export function clusterReplicas(m: Model): number {
    return isProd(m) ? 3 : 1;
}

/** A disruption budget that keeps a quorum of `n` members up (0 when there is nothing to keep). */
export function quorum(n: number): number {
    return n > 1 ? Math.floor(n / 2) + 1 : 0;
}

/** Sets `value` at a dotted path, creating objects on the way. */
export function setPath(target: Values, path: string, value: unknown): void {
    const keys = path.split(".");
    let node = target as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
        node = (node[k] ??= {}) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
}

/** Deep merge of plain objects; arrays and scalars of `b` replace those of `a`. */
export function merge(a: Values, b: Values): Values {
    const out: Values = { ...a };
    for (const [k, v] of Object.entries(b)) {
        const cur = out[k];
        out[k] = isPlain(cur) && isPlain(v) ? merge(cur as Values, v as Values) : v;
    }
    return out;
}

function isPlain(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function nodeSelectors(placement: Record<string, RoleLabel>): Values {
    const out: Values = {};
    for (const [component, label] of Object.entries(placement)) {
        setPath(out, `labels.${component}`, { node_selector_key: label, node_selector_value: ENABLED });
    }
    return out;
}

/** The public name of an endpoint: `<host>.<site domain>`. */
export function publicHost(m: Model, ep: PublicEndpoint): string {
    return `${ep.host}.${m.site.domain}`;
}

/** Public exposure: the endpoint's public FQDN, https on 443, and a route or ingress in `extraObjects` (map form). */
function exposure(m: Model, ep: PublicEndpoint): Values {
    const host = publicHost(m, ep);
    const gw = m.platform.gateway;
    const name = `${ep.service}-public`;
    const object =
        gw.kind === "gateway"
            ? {
                  apiVersion: "gateway.networking.k8s.io/v1",
                  kind: "HTTPRoute",
                  metadata: { name },
                  spec: {
                      parentRefs: [{ name: gw.className, namespace: OPENSTACK_NAMESPACE, sectionName: "https" }],
                      hostnames: [host],
                      rules: [{ backendRefs: [{ name: ep.service, port: ep.port }] }],
                  },
              }
            : {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "Ingress",
                  metadata: { name },
                  spec: {
                      ingressClassName: gw.className,
                      tls: [{ hosts: [host], secretName: gw.tlsSecretName }],
                      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: ep.service, port: { number: ep.port } } } }] } }],
                  },
              };
    return {
        endpoints: {
            [ep.type]: {
                host_fqdn_override: { public: { host } },
                scheme: { public: "https" },
                port: { [ep.portName]: { public: 443 } },
            },
        },
        extraObjects: { [`osk_${ep.type}_public`]: object },
    };
}

function adminIdentity<T>(ctx: ValuesContext<T>): Values {
    return {
        region_name: ctx.model.site.region,
        username: "admin",
        password: ctx.secret("keystone-admin"),
        project_name: "admin",
        user_domain_name: "default",
        project_domain_name: "default",
    };
}

/** Values for one OpenStack service chart. */
export function serviceValues<T>(svc: ServiceName, ctx: ValuesContext<T>): Values {
    const m = ctx.model;
    const chart = SERVICE_CHARTS[svc];
    const replicas = serviceReplicas(m);
    let v: Values = nodeSelectors(chart.placement);

    // Credentials: every literal default the chart ships is replaced by a generated one.
    const identity: Values = { admin: adminIdentity(ctx) };
    for (const user of chart.identityUsers) {
        identity[user] = { region_name: m.site.region, password: ctx.secret(`${svc}-keystone-${user.replace(/_/g, "-")}`) };
    }
    const endpoints: Values = { identity: { auth: identity }, oci_image_registry: { auth: { [svc]: { password: ctx.secret("image-registry") } } } };
    for (const [block, users] of Object.entries(chart.databases)) {
        const auth: Values = { admin: { password: ctx.secret("mariadb-root") } };
        for (const [user, cred] of Object.entries(users)) auth[user] = { password: ctx.secret(cred) };
        endpoints[block] = { auth };
    }
    if (chart.messaging) {
        endpoints.oslo_messaging = {
            auth: { admin: { username: "rabbitmq", password: ctx.secret("rabbitmq-admin") }, [svc]: { password: ctx.secret(`${svc}-rabbitmq`) } },
            // Clients list every broker pod; the count and name must match the rabbitmq release.
            statefulset: { replicas: clusterReplicas(m), name: RABBITMQ_STATEFULSET },
        };
        // RabbitMQ 4 has no mirrored queues: quorum queues are what survive a broker loss.
        setPath(v, `conf.${svc}.oslo_messaging_rabbit.rabbit_quorum_queues`, true);
    }
    if (chart.memcacheKey) {
        // Unset, the charts put a random key in every render: pods would roll on every `pulumi up`.
        endpoints.oslo_cache = { auth: { memcache_secret_key: ctx.secret("memcache-secret-key") } };
    }
    v = merge(v, { endpoints });
    for (const [path, cred] of Object.entries(chart.secrets)) setPath(v, path, ctx.secret(cred));

    // HA: replicas everywhere, and budgets that keep one replica up during drains.
    for (const key of chart.replicas) setPath(v, `pod.replicas.${key}`, replicas);
    for (const key of chart.disruptionBudgets) setPath(v, `pod.lifecycle.disruption_budget.${key}.min_available`, Math.max(0, replicas - 1));

    for (const ep of chart.endpoints) v = merge(v, exposure(m, ep));
    return merge(v, SERVICE_SPECIFIC[svc]?.(ctx) ?? {});
}

const SERVICE_SPECIFIC: Partial<Record<ServiceName, <T>(ctx: ValuesContext<T>) => Values>> = {
    glance: (ctx) => ({ storage: ceph(ctx.model) ? "rbd" : "pvc", volume: { class_name: STORAGE_CLASS } }),
    nova: (ctx) => ({
        network: { backend: ["openvswitch"] },
        // The API reports success only once compute nodes registered.
        bootstrap: { wait_for_computes: { enabled: true } },
        conf: { ceph: { enabled: ceph(ctx.model) } },
    }),
    neutron: (ctx) => neutronValues(ctx.model),
    cinder: () => ({
        storage: "ceph",
        conf: { cinder: { DEFAULT: { backup_driver: "cinder.backup.drivers.ceph.CephBackupDriver" } } },
    }),
};

/** ML2 with Open vSwitch and VXLAN tenant networks, from the site's Neutron settings. */
export function neutronValues(m: Model): Values {
    const n = m.openstack.neutron;
    return {
        network: { backend: ["openvswitch"], interface: { tunnel: n.tunnelInterface } },
        conf: {
            neutron: { DEFAULT: { l3_ha: isProd(m), ...(isProd(m) ? { max_l3_agents_per_router: Math.min(3, m.nodeRoles.controlPlane.length) } : {}) } },
            plugins: {
                ml2_conf: {
                    ml2: { type_drivers: "flat,vxlan", tenant_network_types: "vxlan", mechanism_drivers: "openvswitch,l2population" },
                    ml2_type_vxlan: { vni_ranges: n.vniRanges },
                    ml2_type_flat: { flat_networks: n.physicalNetwork },
                },
                openvswitch_agent: {
                    agent: { tunnel_types: "vxlan", l2_population: true, arp_responder: true },
                    ovs: { bridge_mappings: `${n.physicalNetwork}:${n.externalBridge}` },
                },
            },
            // The OVS agent's init creates the bridge and plugs the external interface into it.
            auto_bridge_add: { [n.externalBridge]: n.externalInterface },
        },
    };
}

// ---- infra charts ------------------------------------------------------------------------------------------

export function mariadbValues<T>(ctx: ValuesContext<T>): Values {
    const m = ctx.model;
    const n = clusterReplicas(m);
    return {
        pod: {
            replicas: { server: n },
            // Galera keeps working while a majority is up: never let a drain take more.
            lifecycle: { disruption_budget: { mariadb: { min_available: quorum(n) } } },
        },
        volume: { class_name: STORAGE_CLASS, size: isProd(m) ? "50Gi" : "5Gi", backup: { class_name: STORAGE_CLASS } },
        endpoints: {
            oslo_db: {
                auth: {
                    admin: { password: ctx.secret("mariadb-root") },
                    sst: { password: ctx.secret("mariadb-sst") },
                    audit: { password: ctx.secret("mariadb-audit") },
                    exporter: { password: ctx.secret("mariadb-exporter") },
                },
            },
            identity: { auth: { admin: adminIdentity(ctx), mariadb: { password: ctx.secret("mariadb-keystone-backup") } } },
            oci_image_registry: { auth: { mariadb: { password: ctx.secret("image-registry") } } },
        },
    };
}

export function rabbitmqValues<T>(ctx: ValuesContext<T>): Values {
    const m = ctx.model;
    return {
        pod: { replicas: { server: clusterReplicas(m) } },
        volume: { class_name: STORAGE_CLASS },
        conf: {
            rabbitmq: {
                cluster_formation: { peer_discovery_backend: "rabbit_peer_discovery_k8s" },
                // After a partition heals, the minority restarts and rejoins instead of waiting for an operator.
                cluster_partition_handling: "autoheal",
            },
        },
        endpoints: {
            oslo_messaging: {
                auth: {
                    user: { username: "rabbitmq", password: ctx.secret("rabbitmq-admin") },
                    guest: { password: ctx.secret("rabbitmq-guest") },
                    erlang_cookie: ctx.secret("rabbitmq-erlang-cookie"),
                },
            },
            oci_image_registry: { auth: { rabbitmq: { password: ctx.secret("image-registry") } } },
        },
    };
}

export function memcachedValues<T>(ctx: ValuesContext<T>): Values {
    return {
        pod: { replicas: { server: clusterReplicas(ctx.model) } },
        endpoints: { oci_image_registry: { auth: { memcached: { password: ctx.secret("image-registry") } } } },
    };
}

export function openvswitchValues<T>(ctx: ValuesContext<T>): Values {
    return {
        labels: { ovs: { node_selector_key: "openvswitch", node_selector_value: ENABLED } },
        endpoints: { oci_image_registry: { auth: { openvswitch: { password: ctx.secret("image-registry") } } } },
    };
}

export function libvirtValues<T>(ctx: ValuesContext<T>): Values {
    return {
        labels: { agent: { libvirt: { node_selector_key: "openstack-compute-node", node_selector_value: ENABLED } } },
        network: { backend: ["openvswitch"] },
        conf: { ceph: { enabled: ceph(ctx.model) } },
        endpoints: { oci_image_registry: { auth: { libvirt: { password: ctx.secret("image-registry") } } } },
    };
}

/** dev storage: the `local-storage` chart, released as `general`, makes the StorageClass and local volumes. */
export function localStorageValues<T>(ctx: ValuesContext<T>): Values {
    const volumes = Array.from({ length: 10 }, (_, i) => ({
        name: `${STORAGE_CLASS}-${i}`,
        storage_capacity: "20Gi",
        access_modes: ["ReadWriteOnce"],
        local_path: `/var/lib/openstack-helm/local-storage/${STORAGE_CLASS}-${i}`,
        // No provisioner can delete local volumes; data stays until an operator removes it.
        reclaim_policy: "Retain",
    }));
    return {
        labels: { node_affinity: { node_selector_key: "openstack-control-plane", node_selector_value: ENABLED } },
        conf: { persistent_volumes: volumes },
        endpoints: { oci_image_registry: { auth: { "local-storage": { password: ctx.secret("image-registry") } } } },
    };
}

/** prod storage: the Rook operator. */
export function rookOperatorValues(): Values {
    return { crds: { enabled: true }, monitoring: { enabled: false } };
}

/** prod storage: a Ceph cluster on the configured devices, with an RBD pool behind the `general` StorageClass. */
export function rookClusterValues(m: Model): Values {
    const nodes = Object.entries(m.platform.storage.cephDevices)
        .filter(([, devs]) => devs.length > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, devs]) => ({ name, devices: devs.map((d) => ({ name: d.replace(/^\/dev\/(?!disk\/)/, "") })) }));
    const replicas = Math.min(3, nodes.length);
    return {
        operatorNamespace: ROOK_NAMESPACE,
        // ceph-adapter-rook reads the admin key through the toolbox pod.
        toolbox: { enabled: true },
        cephClusterSpec: {
            mon: { count: 3, allowMultiplePerNode: false },
            mgr: { count: 2 },
            storage: { useAllNodes: false, useAllDevices: false, nodes },
        },
        cephBlockPools: [
            {
                name: "rbd",
                spec: { failureDomain: "host", replicated: { size: replicas } },
                storageClass: {
                    enabled: true,
                    name: STORAGE_CLASS,
                    isDefault: true,
                    // Database and message-broker volumes outlive their claims.
                    reclaimPolicy: "Retain",
                    allowVolumeExpansion: true,
                    volumeBindingMode: "Immediate",
                    parameters: {
                        imageFormat: "2",
                        imageFeatures: "layering",
                        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
                        "csi.storage.k8s.io/provisioner-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
                        "csi.storage.k8s.io/controller-expand-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
                        "csi.storage.k8s.io/node-stage-secret-namespace": CEPH_NAMESPACE,
                        "csi.storage.k8s.io/fstype": "ext4",
                    },
                },
            },
        ],
        cephFileSystems: [],
        cephObjectStores: [],
    };
}

/** prod storage: copies the Ceph client key and config into the OpenStack namespace. */
export function cephAdapterValues(): Values {
    return { ceph_cluster_namespace: CEPH_NAMESPACE, labels: { job: { node_selector_key: "openstack-control-plane", node_selector_value: ENABLED } } };
}

/** Values for any chart OSK deploys, by chart name. */
export function chartValues<T>(chart: string, ctx: ValuesContext<T>): Values {
    switch (chart) {
        case "mariadb":
            return mariadbValues(ctx);
        case "rabbitmq":
            return rabbitmqValues(ctx);
        case "memcached":
            return memcachedValues(ctx);
        case "openvswitch":
            return openvswitchValues(ctx);
        case "libvirt":
            return libvirtValues(ctx);
        case "local-storage":
            return localStorageValues(ctx);
        case "rook-ceph":
            return rookOperatorValues();
        case "rook-ceph-cluster":
            return rookClusterValues(ctx.model);
        case "ceph-adapter-rook":
            return cephAdapterValues();
        default:
            if (chart in SERVICE_CHARTS) return serviceValues(chart as ServiceName, ctx);
            throw new Error(`no values builder for chart "${chart}"`);
    }
}

/** Every credential the stack's charts ask for, found by running the builders with a recorder. */
export function credentialNames(m: Model, charts: readonly string[]): string[] {
    const names = new Set<string>();
    for (const chart of charts) chartValues(chart, { model: m, secret: (n) => (names.add(n), n) });
    return [...names].sort();
}
