// The site every layer belongs to: its name, profile, region and public domain.
import { z } from "zod";
import { dnsLabel, dnsName } from "./fields";
import { registrySchema } from "./registry";

export const PROFILES = ["dev", "prod"] as const;
export type Profile = (typeof PROFILES)[number];

export const siteSchema = z.strictObject({
    /** Site name; prefixes cluster-scoped names. */
    name: dnsLabel,
    /** `dev`: all-in-one, single replicas. `prod`: HA everywhere. */
    profile: z.enum(PROFILES),
    /** OpenStack region name. */
    region: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/, "must be a region name such as RegionOne"),
    /** Public DNS domain under which the APIs are published. */
    domain: dnsName,
    /** The site's image mirror: every image OSK causes to run is pulled from it. @default none (images from their source registries) */
    registry: registrySchema.optional(),
});

/** A site: `name` prefixes cluster-scoped names, `profile` sets HA (prod) or single replicas (dev). */
export type Site = z.infer<typeof siteSchema>;
