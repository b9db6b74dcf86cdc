// URLs of the OpenStack APIs as clients see them: public through the gateway, internal through cluster DNS.
import { OPENSTACK_NAMESPACE, type ChartSite, type ServiceName } from "../charts";
import { SERVICE_CHARTS, type PublicEndpoint } from "./catalog";
import { publicHost } from "./values";

export interface EndpointUrls {
    public: string;
    internal: string;
}

export function publicUrl(site: ChartSite, ep: PublicEndpoint): string {
    return `https://${publicHost(site, ep)}${ep.path ?? "/"}`;
}

export function internalUrl(ep: PublicEndpoint): string {
    return `http://${ep.service}.${OPENSTACK_NAMESPACE}.svc.cluster.local:${ep.port}${ep.path ?? "/"}`;
}

/** The service catalogue: endpoint type -> public and internal URL, for every enabled service. */
export function catalogue(site: ChartSite, services: readonly ServiceName[]): Record<string, EndpointUrls> {
    const out: Record<string, EndpointUrls> = {};
    for (const svc of services) {
        for (const ep of SERVICE_CHARTS[svc].endpoints) out[ep.type] = { public: publicUrl(site, ep), internal: internalUrl(ep) };
    }
    return out;
}

/** An admin clouds.yaml for the site's public Keystone; the password is filled in by the caller. */
export function adminCloudsYaml(site: ChartSite, password: string): string {
    const keystone = SERVICE_CHARTS.keystone.endpoints[0];
    return [
        "clouds:",
        `  ${site.site.name}-admin:`,
        "    auth:",
        `      auth_url: ${publicUrl(site, keystone)}`,
        "      username: admin",
        `      password: ${JSON.stringify(password)}`,
        "      project_name: admin",
        "      user_domain_name: Default",
        "      project_domain_name: Default",
        `    region_name: ${site.site.region}`,
        "    interface: public",
        "    identity_api_version: 3",
        "",
    ].join("\n");
}
