// The validated, typed model every component receives. Nothing downstream reads raw config.
import type { SecretValue } from "../../components/core/secret";
import type { NodeRoles } from "../../components/noderoles/args";
import type {
    ChartsConfig,
    ControlPlaneConfig,
    OpenStackConfig,
    PlatformConfig,
    ServiceName,
    Site,
    TenantConfig,
    WorkloadsConfig,
} from "./schema";

export { SecretValue } from "../../components/core/secret";
export { ROLE_LABELS, type NodeRoles, type Role } from "../../components/noderoles/args";

export interface Secrets {
    readonly sshPrivateKey?: SecretValue;
    readonly kubeconfig?: SecretValue;
    readonly tenantCloudPassword?: SecretValue;
    readonly registryPassword?: SecretValue;
}

export interface Model {
    readonly site: Site;
    readonly controlPlane: ControlPlaneConfig;
    readonly nodeRoles: NodeRoles;
    readonly charts: ChartsConfig;
    readonly platform: PlatformConfig & { readonly storage: { readonly backend: "ceph" | "local" } };
    readonly openstack: OpenStackConfig & { readonly services: readonly ServiceName[] };
    readonly tenant: TenantConfig;
    /** Requests and limits overrides and autoscaling. */
    readonly workloads: WorkloadsConfig;
    readonly secrets: Secrets;
    /** Every node name in the inventory (masters and workers, or the existing cluster's nodes). */
    readonly nodes: readonly string[];
}

/** One configuration problem: the full key path, what is wrong and what is allowed. */
export interface Problem {
    readonly path: string;
    readonly message: string;
}
