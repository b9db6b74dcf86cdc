// The arguments of the OpenStack layer: which services, and the Neutron settings of the site. The stack
// configuration embeds the schema as `osk:openstack`.
import { z } from "zod";
import { SERVICES, type ServiceName } from "../charts/catalog";
import { interfaceName } from "../core/fields";
import type { GatewayConfig } from "../platform/args";

/** ML2 with Open vSwitch and VXLAN: the tunnel interface, the external bridge and the provider network. */
export const neutronSchema = z.strictObject({
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
});

export const openstackSchema = z.strictObject({
    /** Services to deploy. Keystone is always needed. */
    services: z.array(z.enum(SERVICES)).min(1, "needs at least keystone"),
    neutron: neutronSchema,
});

export type OpenStackConfig = z.infer<typeof openstackSchema>;
export type NeutronConfig = z.infer<typeof neutronSchema>;

/** What the OpenStack charts' values read besides the site: the services, Neutron, and how APIs are published. */
export interface OpenStackSettings {
    readonly services: readonly ServiceName[];
    readonly neutron: NeutronConfig;
    /** The platform's public gateway the routes attach to. */
    readonly gateway: GatewayConfig;
}
