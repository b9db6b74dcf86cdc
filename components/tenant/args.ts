// The arguments of a tenant cluster: Kubernetes on OpenStack, from the Keystone project to the in-cluster
// add-ons. The stack configuration embeds the schema as `osk:tenant`.
import { z } from "zod";
import { CNI_PLUGINS, kubeadmSchema } from "../cluster/args";
import { cidr, dnsLabel, hostAddress, httpUrl, ipAddress, kubernetesVersion, port, unixUser } from "../core/fields";

export const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"] as const;

export const policyRuleSchema = z.strictObject({
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

export const cinderStorageClassSchema = z.strictObject({
    name: dnsLabel,
    /** Cinder volume type. @default the cloud's default type */
    volumeType: z.string().min(1).optional(),
    /** Availability zone the class's volumes are made in; the class then allows only that zone (its
     * `allowedTopologies`), so claims bind without asking the nodes where they are. @default the cloud's default zone */
    availability: z.string().min(1).optional(),
    /** @default "Delete" */
    reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete"),
    /** @default false */
    default: z.boolean().default(false),
    /** When a claim gets its volume: where its first pod lands (Cinder volumes are zonal, so the volume follows the
     * pod's zone), or at once, in the class's zone (a cloud with one zone, or claims made before their pods).
     * @default "WaitForFirstConsumer" */
    volumeBindingMode: z.enum(["WaitForFirstConsumer", "Immediate"]).default("WaitForFirstConsumer"),
});

/** A VolumeSnapshotClass of the Cinder CSI driver (the snapshot API is installed when there is at least one). */
export const snapshotClassSchema = z.strictObject({
    name: dnsLabel,
    /** What deleting a VolumeSnapshot does to the Cinder snapshot: Delete it, or Retain it in the project.
     * @default "Delete" */
    deletionPolicy: z.enum(["Delete", "Retain"]).default("Delete"),
    /** The class a VolumeSnapshot without one gets. @default false */
    default: z.boolean().default(false),
    /** Snapshot volumes while they are attached (Cinder's force-create): what a snapshot before an upgrade needs,
     * since the volume is in use. @default true */
    forceCreate: z.boolean().default(true),
});

export const tenantClusterSchema = z.strictObject({
    /** Cluster name; names every OpenStack object of the tenant cluster. */
    name: dnsLabel,
    /** Build the network, instances, load balancer and control plane on OpenStack. `false` (the lab, which has no
     * Nova, Neutron or Octavia) keeps the identity and the in-cluster add-ons only. @default true */
    infrastructure: z.boolean().default(true),
    /** Keystone project that owns the cluster. */
    project: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/, "must be a project name"),
    kubernetesVersion: kubernetesVersion,
    image: z.string().min(1, "must name a Glance image"),
    masters: z.strictObject({ count: z.number().int().min(1).max(7), flavor: z.string().min(1) }),
    workers: z.strictObject({ count: z.number().int().min(0).max(500), flavor: z.string().min(1) }),
    /** Nova key pair injected into every instance. */
    keyPair: z.string().min(1),
    /** The public half of `osk:sshPrivateKey`, one OpenSSH line. With it OSK creates the key pair `keyPair` as the
     * tenant's own user, in the same converge as the project: a Nova key pair belongs to the user who made it, and
     * the tenant's service user is new. @default none: `keyPair` must already belong to that user */
    sshPublicKey: z
        .string()
        .regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( [^\n]*)?$/, "must be one OpenSSH public key line, e.g. ssh-ed25519 AAAA... ops@site")
        .optional(),
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
            user: unixUser.default("ubuntu"),
            /** Bastion with a route to the tenant network. @default none (OSK runs where the tenant network is routed) */
            jumpHost: z
                .strictObject({ address: hostAddress, user: unixUser, port: port.default(22) })
                .optional(),
        })
        .default({ user: "ubuntu" }),
    /** Where the instances get their Kubernetes packages (kubelet, kubeadm, kubectl); an air-gapped site points at
     * its package mirror, as `controlPlane.packages` does for the site's own hosts. */
    packages: z
        .strictObject({
            /** Base URL of a Kubernetes package mirror. @default the upstream package repository of the version */
            kubernetesRepository: httpUrl.optional(),
        })
        .default({}),
    /** Pod network plugin of the tenant cluster. @default calico v3.30.3 */
    cni: z
        .strictObject({
            plugin: z.enum(CNI_PLUGINS),
            version: z.string().regex(/^v\d+\.\d+\.\d+$/, "must be an exact version such as v3.30.3"),
            manifestUrl: httpUrl.optional(),
        })
        .default({ plugin: "calico", version: "v3.30.3" }),
    /** What the instances' machine image needs of kubeadm beyond the defaults, as `osk:controlPlane` takes it: the
     * kubelet's settings (e.g. `cgroupDriver: cgroupfs` for an image without systemd), preflight checks to accept,
     * and kubeadm's add-ons (off where the image or the CNI brings its own). @default the control plane's defaults */
    kubeadm: kubeadmSchema.pick({ kubelet: true, ignorePreflightErrors: true, addons: true, kubeProxy: true }).partial().default({}),
    /** In-cluster integrations: cloud controller, CSI drivers, Keystone webhook. */
    addons: z
        .strictObject({
            /** Registry the add-on images come from, overriding the site's mirror for the tenant cluster only.
             * @default the site's mirror (`site.registry`) when it has one, else "registry.k8s.io" */
            registry: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, "must be a registry host with an optional path, e.g. registry.example.net/k8s").optional(),
            /** Run openstack-cloud-controller-manager. Off only where the cluster is not on OpenStack instances (the lab). @default true */
            cloudController: z.boolean().default(true),
            /** Run the Cinder CSI driver (the Cinder StorageClasses need it). @default true */
            cinderCsi: z.boolean().default(true),
        })
        .default({ cloudController: true, cinderCsi: true }),
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
            cinderClasses: z.array(cinderStorageClassSchema).default([]),
            /** VolumeSnapshotClasses for Cinder volumes; with any, the cluster gets the snapshot CRDs and the
             * snapshot controller (external-snapshotter). @default [] */
            snapshotClasses: z.array(snapshotClassSchema).default([]),
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
        .default({ cinderClasses: [], snapshotClasses: [] }),
    keystoneAuth: z
        .strictObject({
            /** Keystone project + role -> Kubernetes permissions. */
            policy: z.array(policyRuleSchema).default([]),
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


/** A tenant cluster as the component receives it (defaults not yet applied). */
export type TenantClusterInput = z.input<typeof tenantClusterSchema>;
/** A tenant cluster with every default applied. */
export type TenantClusterConfig = z.infer<typeof tenantClusterSchema>;
/** Keystone project + role -> Kubernetes permissions, for k8s-keystone-auth. */
export type PolicyRule = z.infer<typeof policyRuleSchema>;
