// Wires the validated model into components, top to bottom as DESIGN.md draws the graph.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane } from "../components/cluster";
import { NodeRoles } from "../components/noderoles";
import { OpenStack } from "../components/openstack";
import { Credentials, Platform } from "../components/platform";
import { TenantCluster, type KeystoneConnection } from "../components/tenant";
import { chartSite, openstackSettings, platformSettings, siteCredentialNames, sitePlan } from "./charts";
import type { Model } from "./config/model";
import type { StackOutputs } from "./outputs";
import { tenantSnapshotCrds } from "./snapshots";

/** Access to the site cluster, whichever way it came to be. */
interface SiteCluster {
    kubeconfig: pulumi.Output<string>;
    apiEndpoint: pulumi.Output<string>;
    masters: string[];
    workers: string[];
    /** What must exist before anything talks to the cluster. */
    ready: pulumi.Resource[];
}

function siteCluster(model: Model): SiteCluster {
    const cp = model.controlPlane;
    if (cp.mode === "existing") {
        // Validation guarantees the secret is there in this mode.
        const kubeconfig = pulumi.secret(model.secrets.kubeconfig!.reveal());
        return {
            kubeconfig,
            // An API URL is no secret, though it is read out of one; serverOf keeps only scheme, host, port and path.
            apiEndpoint: pulumi.unsecret(kubeconfig.apply(serverOf)),
            masters: [],
            workers: [...cp.nodes],
            ready: [],
        };
    }
    const registryPassword = model.secrets.registryPassword ? pulumi.secret(model.secrets.registryPassword.reveal()) : undefined;
    const plane = new ControlPlane("cluster", { config: cp, site: model.site, sshPrivateKey: model.secrets.sshPrivateKey!, ...(registryPassword ? { registryPassword } : {}) });
    return {
        kubeconfig: plane.kubeconfig,
        apiEndpoint: plane.apiEndpoint,
        masters: cp.masters.map((h) => h.name),
        workers: cp.workers.map((h) => h.name),
        ready: [plane],
    };
}

/** The API server URL in a kubeconfig (its first cluster), without any credentials or query the URL carried. */
export function serverOf(kubeconfig: string): string {
    const match = /server:\s*["']?([^\s"'}]+)/.exec(kubeconfig);
    if (!match) return "";
    // scheme://[user[:password]@]host[:port][/path][?query][#fragment] -> scheme://host[:port][/path]
    const url = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/@]*@)?([^/?#]+)([^?#]*)/i.exec(match[1]);
    return url ? `${url[1]}${url[2]}${url[3].replace(/\/$/, "")}` : "";
}

export function buildStack(model: Model): StackOutputs {
    const cluster = siteCluster(model);
    const provider = new k8s.Provider("site-k8s", {
        kubeconfig: cluster.kubeconfig,
        // Helm hooks and long-running Jobs are awaited explicitly by the components.
        enableServerSideApply: true,
    });
    const roles = new NodeRoles("roles", { roles: model.nodeRoles, provider, dependsOn: cluster.ready });
    const credentials = new Credentials("credentials", {
        names: siteCredentialNames(model),
        rotation: model.platform.rotation,
        // The charts' pull secret logs in to the site's mirror with the site's own password.
        provided: model.secrets.registryPassword ? { "image-registry": pulumi.secret(model.secrets.registryPassword.reveal()) } : {},
    });
    // Pods are placed by the role labels, so the platform waits for them.
    const site = chartSite(model);
    const plan = sitePlan(model);
    const platform = new Platform("platform", { site, charts: model.charts, platform: platformSettings(model), plan, provider, kubeconfig: cluster.kubeconfig, credentials, dependsOn: [roles] });
    const openstack = new OpenStack("openstack", { site, charts: model.charts, settings: openstackSettings(model), plan, provider, kubeconfig: cluster.kubeconfig, credentials, platform });
    const tenant = tenantLayer(model, openstack, credentials, provider);
    return {
        site: model.site.name,
        profile: model.site.profile,
        region: model.site.region,
        kubeconfig: pulumi.secret(cluster.kubeconfig),
        apiEndpoint: cluster.apiEndpoint,
        masters: cluster.masters,
        workers: cluster.workers,
        nodeLabels: roles.labels,
        keystonePublicUrl: openstack.keystonePublicUrl,
        keystoneInternalUrl: openstack.keystoneInternalUrl,
        adminCloudsYaml: openstack.adminCloudsYaml,
        catalogue: openstack.catalogue,
        horizonUrl: openstack.horizonUrl ?? "",
        tenantProjectId: tenant?.projectId ?? pulumi.output(""),
        tenantApplicationCredentialId: tenant?.applicationCredentialId ?? pulumi.output(""),
        tenantKubeconfig: tenant?.kubeconfig ?? pulumi.secret(""),
        tenantApiEndpoint: tenant?.apiEndpoint ?? pulumi.output(""),
        tenantApiVip: tenant?.apiVip ?? pulumi.output(""),
        tenantStorageClasses: tenant?.storageClasses ?? pulumi.output([]),
        tenantSnapshotClasses: tenant?.snapshotClasses ?? pulumi.output([]),
        tenantWebhookUrl: tenant?.webhookUrl ?? pulumi.output(""),
    };
}

/** Kubernetes on OpenStack, on the site's own OpenStack or on an existing cloud. */
function tenantLayer(model: Model, openstack: OpenStack, credentials: Credentials, siteProvider: k8s.Provider): TenantCluster | undefined {
    const t = model.tenant;
    if (!t.enabled) return undefined;
    // Which cloud is the stack's choice; the component gets the cluster and a connection to that cloud.
    const { enabled: _enabled, cloud, ...cluster } = t;
    const existing = cloud.source === "existing" ? cloud : undefined;
    const connection: KeystoneConnection = existing
        ? {
              authUrl: existing.authUrl,
              username: existing.username,
              password: pulumi.secret(model.secrets.tenantCloudPassword!.reveal()),
              projectName: existing.projectName,
              userDomain: existing.userDomain,
              projectDomain: existing.projectDomain,
          }
        : { authUrl: openstack.keystonePublicUrl, username: "admin", password: credentials.get("keystone-admin"), projectName: "admin" };
    return new TenantCluster(
        "tenant",
        { tenant: cluster, profile: model.site.profile, connection, region: existing?.region ?? model.site.region, registry: model.site.registry, registryPassword: model.secrets.registryPassword ? pulumi.secret(model.secrets.registryPassword.reveal()) : undefined, siteProvider, sshPrivateKey: model.secrets.sshPrivateKey, snapshotCrds: tenantSnapshotCrds(cluster.storage.snapshotClasses) },
        { dependsOn: existing ? [] : [openstack] },
    );
}
