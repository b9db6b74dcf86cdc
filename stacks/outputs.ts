// The stack outputs other teams consume through StackReference. docs/outputs.md documents each one;
// renaming or retyping a field is a breaking change for them.
import type * as pulumi from "@pulumi/pulumi";

export interface StackOutputs {
    /** Site name from `osk:site.name`. */
    site: string;
    /** `dev` or `prod`. */
    profile: string;
    /** OpenStack region name. */
    region: string;
    /** Admin kubeconfig of the site cluster. Secret. */
    kubeconfig: pulumi.Output<string>;
    /** `https://host:port` every client uses for the Kubernetes API. */
    apiEndpoint: pulumi.Output<string>;
    /** Master node names. */
    masters: string[];
    /** Worker node names. */
    workers: string[];
    /** Labels OSK applied, per node name. */
    nodeLabels: pulumi.Output<Record<string, Record<string, string>>>;
    /** Keystone's public URL, e.g. `https://keystone.<domain>/v3`. */
    keystonePublicUrl: string;
    /** Keystone's in-cluster URL. */
    keystoneInternalUrl: string;
    /** Admin clouds.yaml for the public Keystone. Secret. */
    adminCloudsYaml: pulumi.Output<string>;
    /** Endpoint type (identity, compute, network, ...) -> { public, internal } URL. */
    catalogue: Record<string, { public: string; internal: string }>;
    /** Horizon's public URL, or "" when Horizon is not deployed. */
    horizonUrl: string;
    /** Keystone project id of the tenant cluster, or "" without one. */
    tenantProjectId: pulumi.Output<string>;
    /** Id of the application credential the tenant cluster's cloud integrations use (its secret stays in state). */
    tenantApplicationCredentialId: pulumi.Output<string>;
    /** Admin kubeconfig of the tenant cluster. Secret. "" without a tenant or with `tenant.infrastructure: false`. */
    tenantKubeconfig: pulumi.Output<string>;
    /** `https://<address>:6443` of the tenant cluster's API (its load balancer), or "". */
    tenantApiEndpoint: pulumi.Output<string>;
    /** The tenant API load balancer's VIP in the tenant network, or "". */
    tenantApiVip: pulumi.Output<string>;
    /** StorageClasses created in the tenant cluster, the default one first; [] without a tenant. */
    tenantStorageClasses: pulumi.Output<string[]>;
    /** VolumeSnapshotClasses OSK created, the default one first; [] without a tenant or snapshot classes. */
    tenantSnapshotClasses: pulumi.Output<string[]>;
    /** URL the tenant apiservers call k8s-keystone-auth at, or "". */
    tenantWebhookUrl: pulumi.Output<string>;
}
