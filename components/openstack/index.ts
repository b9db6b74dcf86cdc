import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Model } from "../../stacks/config/model";
import type { ServiceName } from "../../stacks/config/schema";
import { createStep, type Platform } from "../platform";
import type { Credentials } from "../platform/credentials";
import { SERVICE_CHARTS } from "./catalog";
import { adminCloudsYaml, catalogue, internalUrl, publicUrl, type EndpointUrls } from "./endpoints";
import { deployPlan } from "./plan";
import { OpenStackService } from "./service";

export { OpenStackService } from "./service";

export interface OpenStackArgs {
    /** Validated site model. */
    model: Model;
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
        const m = args.model;
        const steps = new Map<string, pulumi.Resource>(args.platform.steps);
        const services: Record<string, OpenStackService> = {};
        for (const step of deployPlan(m).filter((s) => s.layer === "openstack")) {
            const dependsOn = [args.platform.namespace, ...step.after.map((id) => steps.get(id)!)];
            if (step.kind === "gate") {
                steps.set(step.id, createStep(name, step, { m, provider: args.provider, kubeconfig: args.kubeconfig, credentials: args.credentials, parent: this, dependsOn }));
                continue;
            }
            const svc = step.chart as ServiceName;
            const service = new OpenStackService(`${name}-${svc}`, { model: m, service: svc, credentials: args.credentials, provider: args.provider, dependsOn }, { parent: this });
            services[svc] = service;
            steps.set(step.id, service);
        }
        this.services = services;
        const keystone = SERVICE_CHARTS.keystone.endpoints[0];
        this.keystonePublicUrl = publicUrl(m, keystone);
        this.keystoneInternalUrl = internalUrl(keystone);
        this.region = m.site.region;
        this.catalogue = catalogue(m);
        this.adminCloudsYaml = pulumi.secret(args.credentials.get("keystone-admin").apply((pw) => adminCloudsYaml(m, pw)));
        if (m.openstack.services.includes("horizon")) this.horizonUrl = this.catalogue.dashboard.public;
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
