import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { autoscalers, OPENSTACK_NAMESPACE, releaseArgs, serviceReplicas, type ChartSite, type ChartsConfig, type ServiceName } from "../charts";
import type { Credentials } from "../platform/credentials";
import type { OpenStackSettings } from "./args";
import { SERVICE_CHARTS } from "./catalog";
import { internalUrl, publicUrl, type EndpointUrls } from "./endpoints";
import { serviceValues } from "./values";

export interface OpenStackServiceArgs {
    /** The site and the facts chart values depend on. */
    site: ChartSite;
    /** Chart sources and exact pins. */
    charts: ChartsConfig;
    /** Services, Neutron and the public gateway. */
    settings: OpenStackSettings;
    /** Which service. */
    service: ServiceName;
    /** Generated credentials; the values take theirs from here. */
    credentials: Credentials;
    /** Site cluster. Required: default providers are disabled. */
    provider: k8s.Provider;
    /** What must be up first (gates, other releases). @default [] */
    dependsOn?: pulumi.Resource[];
}

/** One OpenStack service from its openstack-helm chart, with HA, credentials and public exposure from the site. */
export class OpenStackService extends pulumi.ComponentResource {
    /** Endpoint type -> public and internal URL. */
    public readonly endpoints: Record<string, EndpointUrls>;
    public readonly release: k8s.helm.v3.Release;
    /** The HPA of each API Deployment, when autoscaling is on: they, not the chart, own its replicas. */
    public readonly autoscalers: k8s.autoscaling.v2.HorizontalPodAutoscaler[];

    constructor(name: string, args: OpenStackServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:openstack:Service", name, {}, opts);
        const values = serviceValues(args.service, { site: args.site, settings: args.settings, secret: (n) => args.credentials.get(n) });
        const scaled = autoscalers(SERVICE_CHARTS[args.service].workloads, args.site, serviceReplicas(args.site));
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs(args.charts, { chart: args.service, namespace: OPENSTACK_NAMESPACE, values, unsetReplicas: scaled.length > 0 }),
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.autoscalers = scaled.map(
            (hpa) =>
                new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                    `${name}-hpa-${hpa.name}`,
                    { metadata: { name: hpa.name, namespace: OPENSTACK_NAMESPACE }, spec: hpa.spec },
                    { parent: this, provider: args.provider, dependsOn: [this.release] },
                ),
        );
        this.endpoints = Object.fromEntries(
            SERVICE_CHARTS[args.service].endpoints.map((ep) => [ep.type, { public: publicUrl(args.site, ep), internal: internalUrl(ep) }]),
        );
        this.registerOutputs({ endpoints: this.endpoints, status: this.release.status });
    }
}
