import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { chartsSchema, createStep, credentialNames, deployPlan, type ChartSite, type PlanStep, type ServiceName } from "../charts";
import { parseArgs } from "../core/validation";
import type { Platform } from "../platform";
import type { Credentials } from "../platform/credentials";
import type { OpenStackSettings } from "./args";
import { SERVICE_CHARTS } from "./catalog";
import { adminCloudsYaml, catalogue, internalUrl, publicUrl, type EndpointUrls } from "./endpoints";
import { OpenStackService } from "./service";
import { OPENSTACK_VALUES, serviceValues } from "./values";

export { neutronSchema, openstackSchema, type NeutronConfig, type OpenStackConfig, type OpenStackSettings } from "./args";
export { SERVICE_CHARTS, type PublicEndpoint, type ServiceChart } from "./catalog";
export { adminCloudsYaml, catalogue, internalUrl, publicUrl, type EndpointUrls } from "./endpoints";
export { OpenStackService, type OpenStackServiceArgs } from "./service";
export { OPENSTACK_VALUES, serviceValues } from "./values";

export interface OpenStackArgs {
    /** The site and the facts chart values depend on. */
    site: ChartSite;
    /** Chart sources and exact pins (validated here). */
    charts: z.input<typeof chartsSchema>;
    /** Which services, Neutron, and the public gateway the routes attach to. */
    settings: OpenStackSettings;
    /** The site's deployment plan; this layer creates its `openstack` steps. @default deployPlan of the site's
     * storage and these services, in parallel */
    plan?: readonly PlanStep[];
    /** Site cluster. Required: default providers are disabled. */
    provider: k8s.Provider;
    /** Kubeconfig of the same cluster, for the readiness gates (secret). */
    kubeconfig: pulumi.Input<string>;
    /** Generated credentials. */
    credentials: Credentials;
    /** The platform layer this one runs on. */
    platform: Platform;
}

/** The OpenStack services of the site, in the order their dependencies require and in parallel elsewhere. */
export class OpenStack extends pulumi.ComponentResource {
    public readonly keystonePublicUrl: string;
    public readonly keystoneInternalUrl: string;
    public readonly region: string;
    /** Admin clouds.yaml for the public Keystone (secret). */
    public readonly adminCloudsYaml: pulumi.Output<string>;
    /** Endpoint type -> public and internal URL. */
    public readonly catalogue: Record<string, EndpointUrls>;
    /** Horizon's public URL, when Horizon is enabled. */
    public readonly horizonUrl?: string;
    public readonly services: Readonly<Record<string, OpenStackService>>;

    constructor(name: string, args: OpenStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:openstack:OpenStack", name, {}, opts);
        const site = args.site;
        const charts = parseArgs(chartsSchema, args.charts, "args.charts", this, "OpenStack");
        const settings = args.settings;
        const plan = args.plan ?? deployPlan({ storageBackend: site.storageBackend, services: settings.services });
        const steps = new Map<string, pulumi.Resource>(args.platform.steps);
        const services: Record<string, OpenStackService> = {};
        const values = (chart: string) => serviceValues(chart as ServiceName, { site, settings, secret: (n) => args.credentials.get(n) });
        for (const step of plan.filter((s) => s.layer === "openstack")) {
            const dependsOn = [args.platform.namespace, ...args.platform.podPrerequisites, ...step.after.map((id) => steps.get(id)!)];
            if (step.kind === "gate") {
                steps.set(step.id, createStep(name, step, { charts, values, provider: args.provider, kubeconfig: args.kubeconfig, parent: this, dependsOn }));
                continue;
            }
            const svc = step.chart as ServiceName;
            const service = new OpenStackService(`${name}-${svc}`, { site, charts, settings, service: svc, credentials: args.credentials, provider: args.provider, dependsOn }, { parent: this });
            services[svc] = service;
            steps.set(step.id, service);
        }
        this.services = services;
        const keystone = SERVICE_CHARTS.keystone.endpoints[0];
        this.keystonePublicUrl = publicUrl(site, keystone);
        this.keystoneInternalUrl = internalUrl(keystone);
        this.region = site.site.region;
        this.catalogue = catalogue(site, settings.services);
        this.adminCloudsYaml = pulumi.secret(args.credentials.get("keystone-admin").apply((pw) => adminCloudsYaml(site, pw)));
        if (settings.services.includes("horizon")) this.horizonUrl = this.catalogue.dashboard.public;
        this.registerOutputs({
            keystonePublicUrl: this.keystonePublicUrl,
            keystoneInternalUrl: this.keystoneInternalUrl,
            region: this.region,
            adminCloudsYaml: this.adminCloudsYaml,
            catalogue: this.catalogue,
            horizonUrl: this.horizonUrl,
        });
    }
}

/** Every credential the given OpenStack service charts ask for. */
export function openstackCredentialNames(site: ChartSite, settings: OpenStackSettings, charts: readonly string[]): string[] {
    return credentialNames(charts.filter((c) => c in OPENSTACK_VALUES).map((c) => OPENSTACK_VALUES[c]), site, settings);
}
