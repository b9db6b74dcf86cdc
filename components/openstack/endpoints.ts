// URLs of the OpenStack APIs as clients see them: public through the gateway, internal through cluster DNS.
import type { Model } from "../../stacks/config/model";
import type { ServiceName } from "../../stacks/config/schema";
import { OPENSTACK_NAMESPACE, SERVICE_CHARTS, type PublicEndpoint } from "./catalog";
import { publicHost } from "./values";

export interface EndpointUrls {
    public: string;
    internal: string;
}

export function publicUrl(m: Model, ep: PublicEndpoint): string {
    return `https://${publicHost(m, ep)}${ep.path ?? "/"}`;
}

export function internalUrl(ep: PublicEndpoint): string {
    return `http://${ep.service}.${OPENSTACK_NAMESPACE}.svc.cluster.local:${ep.port}${ep.path ?? "/"}`;
}

/** The service catalogue: endpoint type -> public and internal URL, for every enabled service. */
export function catalogue(m: Model): Record<string, EndpointUrls> {
    const out: Record<string, EndpointUrls> = {};
    for (const svc of m.openstack.services) {
        for (const ep of SERVICE_CHARTS[svc as ServiceName].endpoints) out[ep.type] = { public: publicUrl(m, ep), internal: internalUrl(ep) };
    }
    return out;
}

/** An admin clouds.yaml for the site's public Keystone; the password is filled in by the caller. */
export function adminCloudsYaml(m: Model, password: string): string {
    const keystone = SERVICE_CHARTS.keystone.endpoints[0];
    return [
        "clouds:",
        `  ${m.site.name}-admin:`,
        "    auth:",
        `      auth_url: ${publicUrl(m, keystone)}`,
        "      username: admin",
        `      password: ${JSON.stringify(password)}`,
        "      project_name: admin",
        "      user_domain_name: Default",
        "      project_domain_name: Default",
        `    region_name: ${m.site.region}`,
        "    interface: public",
        "    identity_api_version: 3",
        "",
    ].join("\n");
}
