// Typed manifests of the tenant cluster's cloud integrations: openstack-cloud-controller-manager, the Cinder CSI
// driver, the Manila CSI driver with the NFS node plugin it forwards to, and k8s-keystone-auth. Pure: they take
// names and versions and return plain objects; secrets never pass through here (the component creates the Secrets
// these objects mount, from Outputs). Written for OSK from the drivers' documented flags and sockets.
import type { Input } from "@pulumi/pulumi";
import { CINDER_PROVISIONER, type StorageClassSpec } from "./render";

export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [key: string]: unknown;
}

export const NAMESPACE = "kube-system";
export const CLOUD_CONFIG_SECRET = "cloud-config";
export const KEYSTONE_AUTH = { name: "k8s-keystone-auth", policyConfigMap: "k8s-keystone-auth-policy", syncConfigMap: "keystone-sync-policy", tlsSecret: "keystone-auth-certs", port: 8443 };
export const MANILA_DRIVER = "nfs.manila.csi.openstack.org";
export const NFS_DRIVER = "nfs.csi.k8s.io";
export const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";

/** Where the add-on images come from when neither the tenant nor the site names a mirror. */
export const UPSTREAM_ADDON_REGISTRY = "registry.k8s.io";

/** Sidecar images every CSI driver here uses, pinned. */
export const SIDECARS = {
    provisioner: "sig-storage/csi-provisioner:v5.2.0",
    attacher: "sig-storage/csi-attacher:v4.8.1",
    resizer: "sig-storage/csi-resizer:v1.13.2",
    snapshotter: "sig-storage/csi-snapshotter:v8.2.1",
    livenessProbe: "sig-storage/livenessprobe:v2.15.0",
    registrar: "sig-storage/csi-node-driver-registrar:v2.13.0",
    nfsPlugin: "sig-storage/nfsplugin:v4.11.0",
} as const;

/** The snapshot controller of the same external-snapshotter release as the sidecar and the CRDs (./snapshots.ts). */
export const SNAPSHOT_CONTROLLER_IMAGE = "sig-storage/snapshot-controller:v8.2.1";

export interface AddonContext {
    /** Tenant cluster name (the cloud controller and Cinder tag what they create with it). */
    cluster: string;
    /** Registry every image comes from. */
    registry: string;
    /** cloud-provider-openstack release matching the cluster's minor version, e.g. v1.33.0. */
    version: string;
    /** Controllers run 2 replicas with leader election (prod) or 1. */
    ha: boolean;
}

/** The workloads of `objects` with pull secret `name` on their pods (a mirror that needs a login); the rest as is. */
export function withPullSecret(objects: K8sObject[], name: string): K8sObject[] {
    return objects.map((o) => {
        if (!["Deployment", "DaemonSet", "StatefulSet"].includes(String(o.kind))) return o;
        const spec = o.spec as { template: { spec: Record<string, unknown> } };
        return { ...o, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, imagePullSecrets: [{ name }] } } } };
    });
}

/** The cloud-provider-openstack release built for a Kubernetes minor: its components follow Kubernetes' minors. */
export function cloudProviderVersion(kubernetesVersion: string): string {
    const m = /^v?1\.(\d+)\.\d+$/.exec(kubernetesVersion);
    if (!m) throw new Error(`not an exact Kubernetes version: ${kubernetesVersion}`);
    return `v1.${m[1]}.0`;
}

const labels = (app: string) => ({ "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "osk-tenant", "app.kubernetes.io/managed-by": "osk" });
const meta = (name: string, app: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: NAMESPACE } : {}), labels: labels(app) });
const image = (ctx: AddonContext, path: string) => `${ctx.registry}/${path}`;
const env = (vars: Record<string, string>) => Object.entries(vars).map(([name, value]) => ({ name, value }));
const nodeNameEnv = { name: "NODE_ID", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };
const hostPath = (name: string, path: string, type: string) => ({ name, hostPath: { path, type } });

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const rule = (apiGroups: string[], resources: string[], verbs: string[]): Rule => ({ apiGroups, resources, verbs });
const RW = ["get", "list", "watch", "create", "update", "patch", "delete"];
const RO = ["get", "list", "watch"];

/** ServiceAccount, ClusterRole and its binding for one component. */
function identity(name: string, app: string, rules: Rule[]): K8sObject[] {
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name, app) },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta(`osk:${name}`, app, false), rules },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: meta(`osk:${name}`, app, false),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `osk:${name}` },
            subjects: [{ kind: "ServiceAccount", name, namespace: NAMESPACE }],
        },
    ];
}

// What the external-provisioner, -attacher, -resizer and -snapshotter sidecars need, plus leader election.
const CSI_CONTROLLER_RULES: Rule[] = [
    rule([""], ["persistentvolumes"], ["get", "list", "watch", "create", "delete", "patch", "update"]),
    rule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
    rule([""], ["persistentvolumeclaims/status"], ["patch", "update"]),
    rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
    rule([""], ["nodes", "pods", "secrets"], RO),
    rule(["storage.k8s.io"], ["storageclasses", "csinodes"], RO),
    rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch", "patch"]),
    rule(["storage.k8s.io"], ["volumeattachments/status"], ["patch"]),
    rule(["snapshot.storage.k8s.io"], ["volumesnapshotclasses", "volumesnapshots"], RO),
    rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents"], RW),
    rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents/status"], ["update", "patch"]),
    rule(["coordination.k8s.io"], ["leases"], RW),
];

function workload(kind: "Deployment" | "DaemonSet", name: string, app: string, pod: Record<string, unknown>, replicas?: number): K8sObject {
    return {
        apiVersion: "apps/v1",
        kind,
        metadata: meta(name, app),
        spec: {
            ...(kind === "Deployment" ? { replicas: replicas ?? 1 } : {}),
            selector: { matchLabels: { "app.kubernetes.io/name": app, "app.kubernetes.io/component": name } },
            template: { metadata: { labels: { ...labels(app), "app.kubernetes.io/component": name } }, spec: pod },
        },
    };
}

const sidecar = (ctx: AddonContext, name: keyof typeof SIDECARS, args: string[], socketDir: string) => ({
    name: `csi-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    image: image(ctx, SIDECARS[name]),
    args: ["--csi-address=$(ADDRESS)", ...args],
    env: env({ ADDRESS: `${socketDir}/csi.sock` }),
    volumeMounts: [{ name: "socket-dir", mountPath: socketDir }],
});
const leader = (ctx: AddonContext) => (ctx.ha ? ["--leader-election=true"] : []);
const controllerSidecars = (ctx: AddonContext, socketDir: string, attacher: boolean) => [
    ...(attacher ? [sidecar(ctx, "attacher", ["--timeout=3m", ...leader(ctx)], socketDir)] : []),
    sidecar(ctx, "provisioner", ["--timeout=3m", "--extra-create-metadata", "--feature-gates=Topology=true", ...leader(ctx)], socketDir),
    sidecar(ctx, "resizer", ["--timeout=3m", "--handle-volume-inuse-error=false", ...leader(ctx)], socketDir),
    sidecar(ctx, "snapshotter", ["--timeout=3m", "--extra-create-metadata", ...leader(ctx)], socketDir),
    sidecar(ctx, "livenessProbe", [], socketDir),
];
const registrar = (ctx: AddonContext, driverSocket: string) => ({
    name: "node-driver-registrar",
    image: image(ctx, SIDECARS.registrar),
    args: ["--csi-address=$(ADDRESS)", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)"],
    env: env({ ADDRESS: "/csi/csi.sock", DRIVER_REG_SOCK_PATH: driverSocket }),
    volumeMounts: [
        { name: "socket-dir", mountPath: "/csi" },
        { name: "registration-dir", mountPath: "/registration" },
    ],
});
// Node plugins mount volumes into pods on the host (the policy pack allows exactly these to be privileged).
const PRIVILEGED = { privileged: true, capabilities: { add: ["SYS_ADMIN"] }, allowPrivilegeEscalation: true };
// Node plugins run on every node, tainted or not, uninitialized included.
const everywhere = [{ operator: "Exists" }];
const cloudConfigVolume = { name: "cloud-config", secret: { secretName: CLOUD_CONFIG_SECRET } };
const cloudConfigMount = { name: "cloud-config", mountPath: "/etc/config", readOnly: true };

/**
 * openstack-cloud-controller-manager on the masters. It tolerates the uninitialized taint (it is what removes it)
 * and uses the host network, so it runs before the CNI is up: the other half of the ordering deadlock.
 */
export function cloudControllerManifests(ctx: AddonContext): K8sObject[] {
    const app = "openstack-cloud-controller-manager";
    const rules = [
        rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"]),
        rule([""], ["events"], ["create", "patch", "update"]),
        rule([""], ["nodes"], ["*"]),
        rule([""], ["nodes/status"], ["patch"]),
        rule([""], ["services"], ["list", "patch", "update", "watch", "get"]),
        rule([""], ["services/status"], ["patch"]),
        rule([""], ["serviceaccounts/token"], ["create"]),
        rule([""], ["serviceaccounts"], ["create", "get"]),
        rule([""], ["persistentvolumes"], ["*"]),
        rule([""], ["endpoints"], ["create", "get", "list", "watch", "update"]),
        rule([""], ["configmaps", "secrets"], RO),
        rule(["discovery.k8s.io"], ["endpointslices"], RO),
    ];
    return [
        ...identity("cloud-controller-manager", app, rules),
        workload("DaemonSet", app, app, {
            serviceAccountName: "cloud-controller-manager",
            hostNetwork: true,
            priorityClassName: "system-cluster-critical",
            nodeSelector: { "node-role.kubernetes.io/control-plane": "" },
            tolerations: [
                { key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" },
                { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
                { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
            ],
            containers: [
                {
                    name: "cloud-controller-manager",
                    image: image(ctx, `provider-os/openstack-cloud-controller-manager:${ctx.version}`),
                    args: [
                        "/bin/openstack-cloud-controller-manager",
                        "--v=1",
                        `--cluster-name=${ctx.cluster}`,
                        "--cloud-config=/etc/config/cloud.conf",
                        "--cloud-provider=openstack",
                        "--use-service-account-credentials=false",
                        "--bind-address=127.0.0.1",
                        `--leader-elect=true`,
                    ],
                    volumeMounts: [cloudConfigMount],
                    resources: { requests: { cpu: "200m", memory: "128Mi" } },
                },
            ],
            volumes: [cloudConfigVolume],
        }),
    ];
}

type Role = "controller" | "node";
/** A cloud-provider-openstack CSI plugin container: its binary from the release's image, privileged on nodes only. */
const providerPlugin = (ctx: AddonContext, binary: string, role: Role, args: string[], rest: Record<string, unknown>) => ({
    name: binary,
    image: image(ctx, `provider-os/${binary}:${ctx.version}`),
    args: [`/bin/${binary}`, ...args],
    ...rest,
    ...(role === "node" ? { securityContext: PRIVILEGED } : {}),
});

/** A CSI driver's accounts (the controller's with the sidecars' rights, the node plugin's) and its controller. */
function csiController(ctx: AddonContext, driver: string, app: string, containers: unknown[], volumes: unknown[]): K8sObject[] {
    return [
        ...identity(`csi-${driver}-controller`, app, CSI_CONTROLLER_RULES),
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(`csi-${driver}-node`, app) },
        workload(
            "Deployment",
            `csi-${driver}-controllerplugin`,
            app,
            { serviceAccountName: `csi-${driver}-controller`, priorityClassName: "system-cluster-critical", containers, volumes: [{ name: "socket-dir", emptyDir: {} }, ...volumes] },
            ctx.ha ? 2 : 1,
        ),
    ];
}

/** The Cinder CSI driver: controller (with its sidecars) and a node plugin on every node. */
export function cinderCsiManifests(ctx: AddonContext): K8sObject[] {
    const app = "cinder-csi";
    const driver = CINDER_PROVISIONER;
    const plugin = (role: Role) =>
        providerPlugin(ctx, "cinder-csi-plugin", role, [
            "--endpoint=unix://csi/csi.sock",
            "--cloud-config=/etc/config/cloud.conf",
            `--cluster=${ctx.cluster}`,
            role === "controller" ? "--provide-node-service=false" : "--provide-controller-service=false",
        ], {
        ports: [{ name: "healthz", containerPort: role === "controller" ? 9808 : 9809, protocol: "TCP" }],
        livenessProbe: { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 10, periodSeconds: 60, timeoutSeconds: 10, failureThreshold: 5 },
        volumeMounts: [
            { name: "socket-dir", mountPath: "/csi" },
            cloudConfigMount,
            ...(role === "node"
                ? [
                      { name: "kubelet-dir", mountPath: "/var/lib/kubelet", mountPropagation: "Bidirectional" },
                      { name: "pods-probe-dir", mountPath: "/dev", mountPropagation: "HostToContainer" },
                  ]
                : []),
        ],
        });
    return [
        { apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", metadata: meta(driver, app, false), spec: { attachRequired: true, podInfoOnMount: true, volumeLifecycleModes: ["Persistent", "Ephemeral"] } },
        ...csiController(ctx, "cinder", app, [...controllerSidecars(ctx, "/var/lib/csi/sockets/pluginproxy", true), plugin("controller")], [cloudConfigVolume]),
        workload("DaemonSet", "csi-cinder-nodeplugin", app, {
            serviceAccountName: "csi-cinder-node",
            hostNetwork: true,
            priorityClassName: "system-node-critical",
            tolerations: everywhere,
            containers: [registrar(ctx, `/var/lib/kubelet/plugins/${driver}/csi.sock`), sidecar(ctx, "livenessProbe", ["--health-port=9809"], "/csi"), plugin("node")],
            volumes: [
                hostPath("socket-dir", `/var/lib/kubelet/plugins/${driver}`, "DirectoryOrCreate"),
                hostPath("registration-dir", "/var/lib/kubelet/plugins_registry", "Directory"),
                hostPath("kubelet-dir", "/var/lib/kubelet", "Directory"),
                hostPath("pods-probe-dir", "/dev", "Directory"),
                cloudConfigVolume,
            ],
        }),
    ];
}

/**
 * The Manila CSI driver for NFS shares and the NFS node plugin it forwards mounts to (without that plugin a claim
 * is provisioned but never mounts). Manila reads its credentials from the Secret the StorageClass references.
 */
export function manilaCsiManifests(ctx: AddonContext): K8sObject[] {
    const app = "manila-csi";
    const fwdDir = "/var/lib/kubelet/plugins/csi-nfsplugin";
    const plugin = (role: Role) =>
        providerPlugin(ctx, "manila-csi-plugin", role, ["--nodeid=$(NODE_ID)", "--endpoint=unix:///csi/csi.sock", `--drivername=${MANILA_DRIVER}`, "--share-protocol-selector=NFS", `--fwdendpoint=unix://${fwdDir}/csi.sock`, `--cluster-id=${ctx.cluster}`], {
            env: [nodeNameEnv],
            volumeMounts: [
                { name: "socket-dir", mountPath: "/csi" },
                { name: "fwd-plugin-dir", mountPath: fwdDir },
            ],
        });
    return [
        { apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", metadata: meta(MANILA_DRIVER, app, false), spec: { attachRequired: false, podInfoOnMount: false } },
        { apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", metadata: meta(NFS_DRIVER, app, false), spec: { attachRequired: false, volumeLifecycleModes: ["Persistent"] } },
        ...csiController(ctx, "manila", app, [...controllerSidecars(ctx, "/csi", false), plugin("controller")], [hostPath("fwd-plugin-dir", fwdDir, "DirectoryOrCreate")]),
        workload("DaemonSet", "csi-manila-nodeplugin", app, {
            serviceAccountName: "csi-manila-node",
            hostNetwork: true,
            dnsPolicy: "ClusterFirstWithHostNet",
            priorityClassName: "system-node-critical",
            tolerations: everywhere,
            containers: [registrar(ctx, `/var/lib/kubelet/plugins/${MANILA_DRIVER}/csi.sock`), plugin("node")],
            volumes: [
                hostPath("socket-dir", `/var/lib/kubelet/plugins/${MANILA_DRIVER}`, "DirectoryOrCreate"),
                hostPath("registration-dir", "/var/lib/kubelet/plugins_registry", "Directory"),
                hostPath("fwd-plugin-dir", fwdDir, "DirectoryOrCreate"),
            ],
        }),
        workload("DaemonSet", "csi-nfs-nodeplugin", app, {
            serviceAccountName: "csi-manila-node",
            hostNetwork: true,
            dnsPolicy: "ClusterFirstWithHostNet",
            priorityClassName: "system-node-critical",
            tolerations: everywhere,
            containers: [
                registrar(ctx, `${fwdDir}/csi.sock`),
                {
                    name: "nfs",
                    image: image(ctx, SIDECARS.nfsPlugin),
                    args: ["--v=2", "--nodeid=$(NODE_ID)", "--endpoint=unix:///csi/csi.sock", `--drivername=${NFS_DRIVER}`],
                    env: [nodeNameEnv],
                    securityContext: PRIVILEGED,
                    volumeMounts: [
                        { name: "socket-dir", mountPath: "/csi" },
                        { name: "pods-mount-dir", mountPath: "/var/lib/kubelet/pods", mountPropagation: "Bidirectional" },
                    ],
                },
            ],
            volumes: [
                hostPath("socket-dir", fwdDir, "DirectoryOrCreate"),
                hostPath("registration-dir", "/var/lib/kubelet/plugins_registry", "Directory"),
                hostPath("pods-mount-dir", "/var/lib/kubelet/pods", "Directory"),
            ],
        }),
    ];
}

export interface KeystoneAuthOptions {
    /** Keystone v3 URL the webhook validates tokens against (may be known only at deploy time: it reaches the
     * container as an environment variable the flag refers to). */
    keystoneUrl: Input<string>;
    /** Fixed ClusterIP of the webhook's Service, so apiservers can be configured before the cluster exists. */
    clusterIP?: string;
    /** Run the project/role sync. */
    sync: boolean;
}

/** The webhook's in-cluster address; the apiservers and the certificate's SANs use it. */
export function keystoneAuthUrl(o: Pick<KeystoneAuthOptions, "clusterIP">): string {
    const host = o.clusterIP ?? `${KEYSTONE_AUTH.name}.${NAMESPACE}.svc`;
    return `https://${host}:${KEYSTONE_AUTH.port}/webhook`;
}

/** The names the webhook's serving certificate must carry. */
export function keystoneAuthSans(o: Pick<KeystoneAuthOptions, "clusterIP">): { dnsNames: string[]; ipAddresses: string[] } {
    const n = `${KEYSTONE_AUTH.name}.${NAMESPACE}`;
    return { dnsNames: [KEYSTONE_AUTH.name, n, `${n}.svc`, `${n}.svc.cluster.local`], ipAddresses: o.clusterIP ? [o.clusterIP] : [] };
}

/** k8s-keystone-auth: 2 replicas on different nodes, a disruption budget keeping one, and its Service. */
export function keystoneAuthManifests(ctx: AddonContext, o: KeystoneAuthOptions): K8sObject[] {
    const app = KEYSTONE_AUTH.name;
    const rules = [
        rule([""], ["configmaps"], RO),
        // Sync turns Keystone projects into namespaces and role assignments into RoleBindings.
        ...(o.sync ? [rule([""], ["namespaces"], ["get", "list", "watch", "create", "update"]), rule(["rbac.authorization.k8s.io"], ["rolebindings"], RW), rule(["rbac.authorization.k8s.io"], ["clusterroles", "roles"], ["get", "list", "bind"])] : []),
    ];
    const selector = { "app.kubernetes.io/name": app, "app.kubernetes.io/component": app };
    return [
        ...identity(app, app, rules),
        workload(
            "Deployment",
            app,
            app,
            {
                serviceAccountName: app,
                priorityClassName: "system-cluster-critical",
                affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } } }] } },
                // Keystone logins must work before the cloud controller has initialised a node, and while it is
                // down: they are how its operators get in to see why.
                tolerations: [
                    { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
                    { key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" },
                ],
                containers: [
                    {
                        name: app,
                        image: image(ctx, `provider-os/k8s-keystone-auth:${ctx.version}`),
                        args: [
                            "./bin/k8s-keystone-auth",
                            "--tls-cert-file=/etc/pki/tls.crt",
                            "--tls-private-key-file=/etc/pki/tls.key",
                            `--policy-configmap-name=${KEYSTONE_AUTH.policyConfigMap}`,
                            ...(o.sync ? [`--sync-configmap-name=${KEYSTONE_AUTH.syncConfigMap}`] : []),
                            "--keystone-url=$(KEYSTONE_URL)",
                            `--listen=0.0.0.0:${KEYSTONE_AUTH.port}`,
                            "--v=2",
                        ],
                        env: [{ name: "KEYSTONE_URL", value: o.keystoneUrl }],
                        ports: [{ name: "https", containerPort: KEYSTONE_AUTH.port, protocol: "TCP" }],
                        readinessProbe: { tcpSocket: { port: "https" }, periodSeconds: 10 },
                        volumeMounts: [{ name: "certs", mountPath: "/etc/pki", readOnly: true }],
                        resources: { requests: { cpu: "50m", memory: "64Mi" } },
                    },
                ],
                volumes: [{ name: "certs", secret: { secretName: KEYSTONE_AUTH.tlsSecret } }],
            },
            2,
        ),
        { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(app, app), spec: { minAvailable: 1, selector: { matchLabels: selector } } },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: meta(app, app),
            spec: { type: "ClusterIP", ...(o.clusterIP ? { clusterIP: o.clusterIP } : {}), selector, ports: [{ name: "https", port: KEYSTONE_AUTH.port, targetPort: "https", protocol: "TCP" }] },
        },
    ];
}

/** A StorageClass object from its spec (Cinder's classes say when they bind; their schema defaults to where the pod lands). */
export function storageClassManifest(sc: StorageClassSpec): K8sObject {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: sc.name, labels: labels("storage"), ...(sc.isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
        provisioner: sc.provisioner,
        reclaimPolicy: sc.reclaimPolicy,
        allowVolumeExpansion: true,
        volumeBindingMode: sc.volumeBindingMode ?? "Immediate",
        ...(sc.allowedTopologies
            ? { allowedTopologies: [{ matchLabelExpressions: Object.entries(sc.allowedTopologies).map(([key, values]) => ({ key, values })) }] }
            : {}),
        parameters: sc.parameters,
    };
}

/**
 * The cluster-wide snapshot controller (external-snapshotter): it binds VolumeSnapshots to VolumeSnapshotContents,
 * which the CSI driver's snapshotter sidecar then cuts. Two replicas with leader election in prod, like the CSI
 * controllers. Its rights are what it reads and writes: claims and volumes (read, and claims' finalizers), the
 * snapshot objects and their status, events, and its election lease.
 */
export function snapshotControllerManifests(ctx: AddonContext): K8sObject[] {
    const app = "snapshot-controller";
    const rules = [
        rule([""], ["persistentvolumes"], RO),
        rule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
        rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshotclasses"], RO),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents"], ["create", "get", "list", "watch", "update", "delete", "patch"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents/status"], ["patch"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshots"], ["get", "list", "watch", "update", "patch"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshots/status"], ["update", "patch"]),
    ];
    return [
        ...identity(app, app, rules),
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(`osk:${app}-leader-election`, app), rules: [rule(["coordination.k8s.io"], ["leases"], RW)] },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: meta(`osk:${app}-leader-election`, app),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `osk:${app}-leader-election` },
            subjects: [{ kind: "ServiceAccount", name: app, namespace: NAMESPACE }],
        },
        workload(
            "Deployment",
            app,
            app,
            {
                serviceAccountName: app,
                priorityClassName: "system-cluster-critical",
                containers: [
                    {
                        name: app,
                        image: image(ctx, SNAPSHOT_CONTROLLER_IMAGE),
                        args: ["--v=2", ...(ctx.ha ? ["--leader-election=true", `--leader-election-namespace=${NAMESPACE}`] : [])],
                        resources: { requests: { cpu: "10m", memory: "32Mi" } },
                    },
                ],
            },
            ctx.ha ? 2 : 1,
        ),
    ];
}

/** A VolumeSnapshotClass of the Cinder CSI driver. */
export interface SnapshotClassSpec {
    name: string;
    deletionPolicy: "Delete" | "Retain";
    isDefault: boolean;
    /** Snapshot a volume that is attached (Cinder's force-create). */
    forceCreate: boolean;
}

export function volumeSnapshotClassManifest(c: SnapshotClassSpec): K8sObject {
    return {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshotClass",
        metadata: { name: c.name, labels: labels("storage"), ...(c.isDefault ? { annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" } } : {}) },
        driver: CINDER_PROVISIONER,
        deletionPolicy: c.deletionPolicy,
        parameters: { "force-create": String(c.forceCreate) },
    };
}
