// The stack configuration's shape: one section per top-level `osk:` key, each the schema of the component that
// takes it. Each section parses on its own, so one broken section does not hide the problems of the others.
// Cross-section rules live in rules.ts.
import { chartsSchema, type ChartsConfig } from "../../components/charts/args";
import { workloadsSchema, type WorkloadsConfig } from "../../components/charts/workloads";
import { controlPlaneSchema, type ControlPlaneConfig } from "../../components/cluster/args";
import { siteSchema, type Site } from "../../components/core/site";
import { nodeRolesSchema, type NodeRolesConfig } from "../../components/noderoles/args";
import { openstackSchema, type OpenStackConfig } from "../../components/openstack/args";
import { platformSchema, type PlatformConfig } from "../../components/platform/args";
import { z } from "zod";
import { httpUrl } from "../../components/core/fields";
import { tenantClusterSchema } from "../../components/tenant/args";

export type { ServiceName } from "../../components/charts/catalog";
export type { ChartsConfig, ControlPlaneConfig, NodeRolesConfig, OpenStackConfig, PlatformConfig, Site, WorkloadsConfig };
export type { ExistingClusterConfig, Host, KubeadmConfig } from "../../components/cluster/args";
export type { PolicyRule, TenantClusterConfig } from "../../components/tenant/args";

// ---- osk:tenant: the tenant cluster component's arguments, plus which cloud it goes on ------------------------

/** Which OpenStack: the one this stack deploys (`site`) or an existing cloud. */
const tenantCloudSchema = z.discriminatedUnion("source", [
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
], { error: "source must be one of: site, existing" });

export const tenantSchema = z
    .discriminatedUnion("enabled", [
        z.strictObject({ enabled: z.literal(false) }),
        tenantClusterSchema.extend({ enabled: z.literal(true), cloud: tenantCloudSchema }),
    ], { error: "enabled must be true (with a full tenant cluster description) or false" })
    .default({ enabled: false });
export type TenantConfig = z.infer<typeof tenantSchema>;

// ---- secrets -----------------------------------------------------------------------------------------------

/** Top-level keys that carry secrets. They must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = {
    sshPrivateKey: "SSH private key (PEM/OpenSSH) for the kubeadm hosts",
    kubeconfig: "kubeconfig of an existing cluster (controlPlane.mode: existing)",
    tenantCloudPassword: "password of tenant.cloud.username on an existing cloud",
    registryPassword: "password of site.registry.username on the site's image mirror (the pull secret)",
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
    workloads: workloadsSchema,
} as const;
export type SectionName = keyof typeof SECTIONS;
export const OPTIONAL_SECTIONS: readonly SectionName[] = ["platform", "tenant", "workloads"];
