// The validated, typed model every component receives. Nothing downstream reads raw config.
import type {
    ChartsConfig,
    ControlPlaneConfig,
    OpenStackConfig,
    PlatformConfig,
    ServiceName,
    Site,
    TenantConfig,
} from "./schema";

/** A secret string that refuses to print itself: logs, JSON and template strings show `[secret]`. */
export class SecretValue {
    readonly #value: string;
    constructor(value: string) {
        this.#value = value;
    }
    /** The plaintext; wrap it in `pulumi.secret` at once. */
    reveal(): string {
        return this.#value;
    }
    toString(): string {
        return "[secret]";
    }
    toJSON(): string {
        return "[secret]";
    }
    [Symbol.for("nodejs.util.inspect.custom")](): string {
        return "[secret]";
    }
}

export const ROLE_LABELS = {
    controlPlane: "openstack-control-plane",
    compute: "openstack-compute-node",
    openvswitch: "openvswitch",
} as const;
export type Role = keyof typeof ROLE_LABELS;

export interface NodeRoles {
    /** Node names per role; `openvswitch` already defaulted to control-plane + compute nodes. */
    readonly controlPlane: readonly string[];
    readonly compute: readonly string[];
    readonly openvswitch: readonly string[];
    /** Extra labels per node name. */
    readonly custom: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface Secrets {
    readonly sshPrivateKey?: SecretValue;
    readonly kubeconfig?: SecretValue;
    readonly tenantCloudPassword?: SecretValue;
}

export interface Model {
    readonly site: Site;
    readonly controlPlane: ControlPlaneConfig;
    readonly nodeRoles: NodeRoles;
    readonly charts: ChartsConfig;
    readonly platform: PlatformConfig & { readonly storage: { readonly backend: "ceph" | "local" } };
    readonly openstack: OpenStackConfig & { readonly services: readonly ServiceName[] };
    readonly tenant: TenantConfig;
    readonly secrets: Secrets;
    /** Every node name in the inventory (masters and workers, or the existing cluster's nodes). */
    readonly nodes: readonly string[];
}

/** One configuration problem: the full key path, what is wrong and what is allowed. */
export interface Problem {
    readonly path: string;
    readonly message: string;
}
