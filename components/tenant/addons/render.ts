// What the tenant cluster's cloud integrations read, rendered from the model: the cloud controller's cloud.conf,
// the Cinder and Manila StorageClasses, the k8s-keystone-auth policy and sync configuration, and the webhook
// kubeconfig files the apiservers are given. Pure; the tenant components (in progress) apply them.
import type { PolicyRule, TenantClusterConfig } from "../args";

export const CINDER_PROVISIONER = "cinder.csi.openstack.org";
export const MANILA_SECRET = { name: "manila-csi-credentials", namespace: "kube-system" };

export interface CloudConfInput {
    authUrl: string;
    region: string;
    applicationCredentialId: string;
    applicationCredentialSecret: string;
    /** Subnet the Octavia load balancers get their VIPs from. */
    subnetId?: string;
    /** External network for load balancer floating IPs. */
    floatingNetworkId?: string;
}

/** cloud.conf for the OpenStack cloud controller and the Cinder CSI driver (application credential auth). */
export function renderCloudConf(c: CloudConfInput): string {
    const lines = [
        "[Global]",
        `auth-url=${c.authUrl}`,
        `region=${c.region}`,
        `application-credential-id=${c.applicationCredentialId}`,
        `application-credential-secret=${c.applicationCredentialSecret}`,
        "",
        "[LoadBalancer]",
        "use-octavia=true",
        ...(c.subnetId ? [`subnet-id=${c.subnetId}`] : []),
        ...(c.floatingNetworkId ? [`floating-network-id=${c.floatingNetworkId}`] : []),
        // Load balancer status carries the VIP address, not a made-up host name.
        "enable-ingress-hostname=false",
        "",
        "[BlockStorage]",
        "ignore-volume-az=true",
        "",
    ];
    for (const l of lines) if (/[\r\n]/.test(l)) throw new Error("cloud.conf values must be single-line");
    return lines.join("\n");
}

export interface StorageClassSpec {
    name: string;
    provisioner: string;
    reclaimPolicy: "Delete" | "Retain";
    isDefault: boolean;
    parameters: Record<string, string>;
    /** @default "Immediate" (a share or a volume that is not zonal) */
    volumeBindingMode?: "WaitForFirstConsumer" | "Immediate";
    /** Where the class's volumes may be: topology key -> allowed values. @default anywhere */
    allowedTopologies?: Record<string, string[]>;
}

/** The topology key the Cinder CSI driver reports a volume's and a node's availability zone under. */
export const CINDER_ZONE_KEY = "topology.cinder.csi.openstack.org/zone";

export function cinderStorageClasses(t: TenantClusterConfig): StorageClassSpec[] {
    return t.storage.cinderClasses.map((c) => ({
        name: c.name,
        provisioner: CINDER_PROVISIONER,
        reclaimPolicy: c.reclaimPolicy,
        isDefault: c.default,
        volumeBindingMode: c.volumeBindingMode,
        // A zone-pinned class says so to the provisioner and the scheduler too: the volume is made there (without
        // asking the nodes' zones first), and a pod of a WaitForFirstConsumer claim lands where it can attach.
        ...(c.availability ? { allowedTopologies: { [CINDER_ZONE_KEY]: [c.availability] } } : {}),
        parameters: { ...(c.volumeType ? { type: c.volumeType } : {}), ...(c.availability ? { availability: c.availability } : {}) },
    }));
}

/** The Manila StorageClass (NFS shares), with the secret references the driver requires for every operation. */
export function manilaStorageClass(t: TenantClusterConfig): StorageClassSpec | undefined {
    const m = t.storage.manila;
    if (!m?.enabled) return undefined;
    const refs: Record<string, string> = {};
    for (const op of ["provisioner", "controller-expand", "node-stage", "node-publish"]) {
        refs[`csi.storage.k8s.io/${op}-secret-name`] = MANILA_SECRET.name;
        refs[`csi.storage.k8s.io/${op}-secret-namespace`] = MANILA_SECRET.namespace;
    }
    return {
        name: "manila-nfs",
        provisioner: "nfs.manila.csi.openstack.org",
        reclaimPolicy: m.reclaimPolicy,
        isDefault: false,
        parameters: {
            type: m.shareType,
            ...(m.shareNetworkId ? { shareNetworkID: m.shareNetworkId } : {}),
            ...(m.availability ? { availability: m.availability } : {}),
            ...refs,
        },
    };
}

/** k8s-keystone-auth policy: one entry per rule; permissions keyed `<namespace>/<resource>`. */
export function keystoneAuthPolicy(rules: readonly PolicyRule[]): string {
    const policy = rules.map((r) => ({
        users: { projects: [r.project], roles: [r.role] },
        resource_permissions: Object.fromEntries(r.namespaces.flatMap((ns) => r.resources.map((res) => [`${ns}/${res}`, [...r.verbs]]))),
    }));
    return JSON.stringify(policy, null, 2);
}

/** k8s-keystone-auth sync configuration: Keystone projects become namespaces named by the format. */
export function keystoneAuthSync(t: TenantClusterConfig): string | undefined {
    if (!t.keystoneAuth.sync.enabled) return undefined;
    return ["data-types-to-sync:", "  - projects", "  - role_assignments", `namespace-format: "${t.keystoneAuth.sync.namespaceFormat}"`, ""].join("\n");
}

/** The kubeconfig-format file an apiserver uses to reach the webhook (the same shape for authn and authz). */
export function webhookKubeconfig(url: string, caPem: string): string {
    const ca = Buffer.from(caPem).toString("base64");
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: keystone-auth",
        "    cluster:",
        `      server: ${url}`,
        `      certificate-authority-data: ${ca}`,
        "users:",
        "  - name: apiserver",
        "contexts:",
        "  - name: keystone-auth",
        "    context: { cluster: keystone-auth, user: apiserver }",
        "current-context: keystone-auth",
        "",
    ].join("\n");
}

/** Longest an apiserver waits for the webhook's authorization answer before going on without it. */
export const WEBHOOK_AUTHORIZATION_TIMEOUT = "3s";

/**
 * The apiservers' authorization chain (an AuthorizationConfiguration): Node, RBAC, then the Keystone webhook for the
 * requests RBAC has no opinion on. The webhook runs as a pod of this very cluster, so nothing the cluster needs to
 * come up may wait on it: requests of the cluster's own identities (every `system:` user, `system:masters`, kubeadm's
 * admin group) never go to it, and when it does not answer within a few seconds the request is refused instead of
 * hanging (found on real hosts: kubeadm init first tries admin.conf, expects "forbidden", and its 10 s timeout ran
 * out while the apiserver waited 30 s for a webhook that did not exist yet).
 */
export function webhookAuthorizationConfig(dir = "/etc/kubernetes/keystone-auth"): string {
    return [
        "apiVersion: apiserver.config.k8s.io/v1",
        "kind: AuthorizationConfiguration",
        "authorizers:",
        "  - { type: Node, name: node }",
        "  - { type: RBAC, name: rbac }",
        "  - type: Webhook",
        "    name: keystone",
        "    webhook:",
        `      timeout: ${WEBHOOK_AUTHORIZATION_TIMEOUT}`,
        "      authorizedTTL: 5m",
        "      unauthorizedTTL: 30s",
        "      subjectAccessReviewVersion: v1beta1",
        "      matchConditionSubjectAccessReviewVersion: v1",
        "      failurePolicy: Deny",
        "      connectionInfo:",
        "        type: KubeConfigFile",
        `        kubeConfigFile: ${dir}/authz.kubeconfig`,
        "      matchConditions:",
        "        - expression: \"!request.user.startsWith('system:')\"",
        "        - expression: \"!('system:masters' in request.groups) && !('kubeadm:cluster-admins' in request.groups)\"",
        "",
    ].join("\n");
}

/** Flags every tenant apiserver gets so Keystone tokens authenticate and the policy authorizes (the files they name
 * are `webhookKubeconfig` and `webhookAuthorizationConfig`). */
export function webhookApiServerArgs(dir = "/etc/kubernetes/keystone-auth"): Record<string, string> {
    return {
        "authentication-token-webhook-config-file": `${dir}/authn.kubeconfig`,
        "authorization-config": `${dir}/authorization.yaml`,
    };
}
