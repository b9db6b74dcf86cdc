// The arguments of the platform layer: storage, the public gateway, and how releases are rolled out. The stack
// configuration embeds the schema as `osk:platform`.
import { z } from "zod";
import type { StorageBackend } from "../charts/catalog";
import { dnsLabel, ipAddress } from "../core/fields";

/** How the public APIs are published: the Gateway (or IngressClass) and certificate the routes use. */
export const gatewaySchema = z
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
    .default({ kind: "gateway", className: "osk-public", tlsSecretName: "osk-public-tls" });

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
        gateway: gatewaySchema,
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

export type PlatformConfig = z.infer<typeof platformSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;

/** The platform settings the values builders read, the storage backend resolved. */
export interface PlatformSettings {
    readonly storage: { readonly backend: StorageBackend; readonly cephDevices: Readonly<Record<string, readonly string[]>> };
    readonly gateway: GatewayConfig;
}
