import * as k8s from "@pulumi/kubernetes";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane } from "../cluster";
import type { SecretValue } from "../core/secret";
import type { Profile } from "../core/site";
import { dockerConfigJson, mirrorPrefix, type Registry } from "../core/registry";
import { parseArgs } from "../core/validation";
import { ClusterDrain } from "../k8s/drain";
import { ServingCertificate } from "../secrets/certificate";
import { tenantAddressPlan } from "./addresses";
import { TenantAddons } from "./addons";
import type { CrdManifest } from "./addons/snapshots";
import { KEYSTONE_AUTH, keystoneAuthSans, keystoneAuthUrl } from "./addons/manifests";
import { applicationCredentialProviderArgs, TenantIdentity, type KeystoneConnection } from "./identity";
import { TenantInfrastructure } from "./infrastructure";
import { tenantClusterSchema, type TenantClusterInput } from "./args";
import { APISERVER_PORT, tenantControlPlaneExtras, tenantKubeadmConfig, webhookClusterIP } from "./kubeadm";

export * from "./args";
export type { KeystoneConnection } from "./identity";

export interface TenantClusterArgs {
    /** The tenant cluster: project, size, network, access, add-ons (validated here, defaults applied). */
    tenant: TenantClusterInput;
    /** Site profile: prod runs the add-on controllers with two replicas. */
    profile: Profile;
    /** Keystone of the tenant's cloud, with admin credentials (creates the project, user and roles). */
    connection: KeystoneConnection;
    /** Region of the tenant's cloud. */
    region: string;
    /** Cluster the add-ons go into when `tenant.infrastructure` is false (the site's own, as in the lab). Required
     * then; unused otherwise. */
    siteProvider?: k8s.Provider;
    /** SSH key for the instances (their key pair's private half), handled as a secret end to end. Required when
     * `tenant.infrastructure` is true. */
    sshPrivateKey?: SecretValue | pulumi.Output<string>;
    /** The site's image mirror: the tenant control plane and the add-ons pull from it. @default none (upstream registries) */
    registry?: Registry;
    /** Password of `registry.username` (secret): the instances' containerd logs in to the site's mirror with it, and
     * the add-ons pull with a pull secret made from it (unless the tenant names its own add-on registry). Required
     * when the mirror has a user and the tenant infrastructure is on. @default none (anonymous pulls) */
    registryPassword?: pulumi.Input<string>;
    /** The external-snapshotter's CRDs (`loadSnapshotCrds` of its module's `config/crd`), for the snapshot API.
     * Required when `tenant.storage.snapshotClasses` has any. @default none */
    snapshotCrds?: CrdManifest[];
}

/** The add-ons' pull secret content: only when they pull from the site's mirror and it needs a login. */
export function tenantAddonPullSecret(override: string | undefined, site: Registry | undefined, password: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
    if (override || !site?.username || password === undefined) return undefined;
    return pulumi.secret(pulumi.output(password).apply((pw) => dockerConfigJson(site, pw)));
}

/** The registry the tenant add-ons pull from: the tenant's override, else the site's mirror, else upstream. */
export function tenantAddonRegistry(override: string | undefined, site: Registry | undefined): string | undefined {
    return override ?? (site ? mirrorPrefix(site) : undefined);
}

/**
 * Kubernetes on OpenStack: the tenant's identity; with `infrastructure` on, its network, instances and Octavia load
 * balancer, a kubeadm control plane on them with the external cloud provider and the Keystone webhook, and a drain
 * that gives back load balancers and volumes on destroy; in every case the in-cluster add-ons.
 */
export class TenantCluster extends pulumi.ComponentResource {
    public readonly projectId: pulumi.Output<string>;
    public readonly applicationCredentialId: pulumi.Output<string>;
    /** Admin kubeconfig of the tenant cluster (secret); empty when OSK does not build it. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** `https://<address>:6443`; empty when OSK does not build the cluster. */
    public readonly apiEndpoint: pulumi.Output<string>;
    /** The API load balancer's VIP; empty when OSK does not build the cluster. */
    public readonly apiVip: pulumi.Output<string>;
    public readonly storageClasses: pulumi.Output<string[]>;
    /** VolumeSnapshotClasses created, default first. */
    public readonly snapshotClasses: pulumi.Output<string[]>;
    public readonly webhookUrl: pulumi.Output<string>;

    constructor(name: string, args: TenantClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:tenant:Cluster", name, {}, opts);
        const parsed = parseArgs(tenantClusterSchema, args.tenant, "args.tenant", this, "TenantCluster");
        // The tenant's own add-on registry wins; otherwise the site's mirror serves the tenant cluster too.
        const t = { ...parsed, addons: { ...parsed.addons, registry: tenantAddonRegistry(parsed.addons.registry, args.registry) } };
        const child = { parent: this };
        const identity = new TenantIdentity(name, { connection: args.connection, region: args.region, project: t.project, cluster: t.name, roles: t.roles }, { ...child, aliases: [{ parent: pulumi.rootStackResource }] });
        const cloud = {
            authUrl: args.connection.authUrl,
            region: args.region,
            applicationCredentialId: identity.applicationCredentialId,
            applicationCredentialSecret: identity.applicationCredentialSecret,
        };
        const clusterIP = t.infrastructure ? webhookClusterIP(t) : undefined;
        const webhookUrl = keystoneAuthUrl({ clusterIP });
        const certificate = new ServingCertificate(`${name}-webhook-tls`, { commonName: KEYSTONE_AUTH.name, ...keystoneAuthSans({ clusterIP }) }, child);
        const pullSecret = tenantAddonPullSecret(parsed.addons.registry, args.registry, args.registryPassword);
        const addonArgs = { tenant: t, ...cloud, webhookCertificate: certificate, webhookClusterIP: clusterIP, ha: args.profile === "prod", pullSecret, snapshotCrds: args.snapshotCrds };

        let addons: TenantAddons;
        if (t.infrastructure) {
            if (!args.sshPrivateKey) throw new pulumi.ResourceError("args.sshPrivateKey is required when tenant.infrastructure is true (the stack's osk:sshPrivateKey)", this);
            // Everything on OpenStack is created as the tenant's own application credential, inside its project.
            const cloudProvider = new openstack.Provider(
                `${name}-openstack`,
                applicationCredentialProviderArgs(cloud),
                child,
            );
            const infra = new TenantInfrastructure(name, { tenant: t, provider: cloudProvider }, child);
            const plan = tenantAddressPlan(t);
            const plane = new ControlPlane(
                `${name}-cluster`,
                {
                    config: tenantKubeadmConfig(t, plan),
                    site: { name: t.name, profile: args.profile, region: args.region, domain: "cluster.local", ...(args.registry ? { registry: args.registry } : {}) },
                    sshPrivateKey: args.sshPrivateKey,
                    ...(args.registry?.username ? { registryPassword: args.registryPassword } : {}),
                    extras: tenantControlPlaneExtras(webhookUrl, certificate.caPem),
                },
                { ...child, dependsOn: infra.nodes },
            );
            const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: plane.kubeconfig, enableServerSideApply: true }, child);
            addons = new TenantAddons(
                `${name}-addons`,
                { ...addonArgs, provider, network: { subnetId: infra.subnetId, floatingNetworkId: infra.externalNetworkId } },
                { ...child, dependsOn: [plane] },
            );
            // Destroyed first (it depends on the add-ons, which depend on the instances): gives back the load
            // balancers and volumes while the cloud controller and CSI drivers still run.
            new ClusterDrain(`${name}-drain`, { kubeconfig: plane.kubeconfig, allowVolumeDeletion: t.destroy.allowVolumeDeletion }, { ...child, dependsOn: [addons] });
            this.kubeconfig = pulumi.secret(plane.kubeconfig);
            this.apiVip = pulumi.output(plan.apiVip);
            this.apiEndpoint = pulumi.interpolate`https://${infra.apiAddress}:${APISERVER_PORT}`;
        } else {
            void pulumi.log.info(
                `tenant "${t.name}": infrastructure is off (osk:tenant.infrastructure: false): no network, instances, load balancer or control plane ` +
                    "are created on OpenStack (they need Nova, Neutron and Octavia); the identity is created and the add-ons go into the site's cluster.",
                this,
            );
            if (!args.siteProvider) throw new pulumi.ResourceError("args.siteProvider is required when tenant.infrastructure is false: the add-ons go into that cluster", this);
            addons = new TenantAddons(`${name}-addons`, { ...addonArgs, provider: args.siteProvider }, { ...child, dependsOn: [identity] });
            this.kubeconfig = pulumi.secret("");
            this.apiVip = pulumi.output("");
            this.apiEndpoint = pulumi.output("");
        }
        this.projectId = identity.projectId;
        this.applicationCredentialId = identity.applicationCredentialId;
        this.storageClasses = addons.storageClasses;
        this.snapshotClasses = addons.snapshotClasses;
        this.webhookUrl = addons.webhookUrl;
        this.registerOutputs({
            projectId: this.projectId,
            applicationCredentialId: this.applicationCredentialId,
            kubeconfig: this.kubeconfig,
            apiEndpoint: this.apiEndpoint,
            apiVip: this.apiVip,
            storageClasses: this.storageClasses,
            snapshotClasses: this.snapshotClasses,
            webhookUrl: this.webhookUrl,
        });
    }
}
