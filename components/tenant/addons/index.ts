import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TenantClusterConfig } from "../args";
import { applyManifest, type Manifest } from "../../k8s/apply";
import type { ServingCertificate } from "../../secrets/certificate";
import {
    CLOUD_CONFIG_SECRET,
    cinderCsiManifests,
    cloudControllerManifests,
    cloudProviderVersion,
    KEYSTONE_AUTH,
    keystoneAuthManifests,
    keystoneAuthUrl,
    manilaCsiManifests,
    NAMESPACE,
    snapshotControllerManifests,
    volumeSnapshotClassManifest,
    storageClassManifest,
    type AddonContext,
    UPSTREAM_ADDON_REGISTRY,
    withPullSecret,
} from "./manifests";
import { PULL_SECRET_NAME } from "../../core/registry";
import { EXTERNAL_SNAPSHOTTER, snapshotClasses, SNAPSHOT_CRDS, type CrdManifest } from "./snapshots";
import { cinderStorageClasses, keystoneAuthPolicy, keystoneAuthSync, MANILA_SECRET, manilaStorageClass, renderCloudConf } from "./render";

export interface TenantAddonsArgs {
    /** Validated tenant section of the model. */
    tenant: TenantClusterConfig;
    /** Provider of the cluster the add-ons go into. */
    provider: k8s.Provider;
    /** Keystone v3 URL of the tenant's cloud. */
    authUrl: pulumi.Input<string>;
    /** Region of the tenant's cloud. */
    region: string;
    /** Application credential the cloud controller and the CSI drivers authenticate with. */
    applicationCredentialId: pulumi.Input<string>;
    /** Its secret; only ever written into Secrets. */
    applicationCredentialSecret: pulumi.Input<string>;
    /** Tenant subnet and external network for the cloud controller's load balancers. @default none (the lab) */
    network?: { subnetId: pulumi.Input<string>; floatingNetworkId: pulumi.Input<string> };
    /** The webhook's serving certificate (its CA is what the apiservers trust). */
    webhookCertificate: ServingCertificate;
    /** Fixed ClusterIP of the webhook's Service. @default assigned by the cluster */
    webhookClusterIP?: string;
    /** Two controller replicas with leader election. @default false */
    ha?: boolean;
    /** The `.dockerconfigjson` for the registry the add-ons pull from, when it needs a login (kept secret): it goes
     * into a pull secret that every add-on pod names. @default none (anonymous pulls) */
    pullSecret?: pulumi.Input<string>;
    /** The external-snapshotter's CRDs (`loadSnapshotCrds`), required when the tenant has snapshot classes.
     * @default none (no snapshot API) */
    snapshotCrds?: CrdManifest[];
}

/**
 * The tenant cluster's cloud integrations: the `cloud-config` Secret from the application credential,
 * openstack-cloud-controller-manager, the Cinder CSI driver and its StorageClasses, the Manila CSI driver with the
 * NFS node plugin and its StorageClass, the snapshot API (CRDs, controller, VolumeSnapshotClasses) when the tenant
 * has snapshot classes, and k8s-keystone-auth with its certificate, policy and sync configuration.
 */
export class TenantAddons extends pulumi.ComponentResource {
    /** Names of the StorageClasses created, default first. */
    public readonly storageClasses: pulumi.Output<string[]>;
    /** Where the apiservers reach the Keystone webhook. */
    public readonly webhookUrl: pulumi.Output<string>;
    /** Names of the VolumeSnapshotClasses created, default first. */
    public readonly snapshotClasses: pulumi.Output<string[]>;

    constructor(name: string, args: TenantAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:tenant:Addons", name, {}, opts);
        const t = args.tenant;
        const snapshots = snapshotClasses(t);
        if (snapshots.length > 0) checkSnapshotArgs(t, args.snapshotCrds);
        const child = { parent: this, provider: args.provider };
        const ctx: AddonContext = { cluster: t.name, registry: t.addons.registry ?? UPSTREAM_ADDON_REGISTRY, version: cloudProviderVersion(t.kubernetesVersion), ha: args.ha ?? false };
        const pull = args.pullSecret
            ? new k8s.core.v1.Secret(
                  `${name}-pull-secret`,
                  { metadata: { name: PULL_SECRET_NAME, namespace: NAMESPACE }, type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": pulumi.secret(args.pullSecret) } },
                  child,
              )
            : undefined;
        const apply = (role: string, objs: Manifest[], dependsOn: pulumi.Resource[] = []) =>
            (pull ? withPullSecret(objs, PULL_SECRET_NAME) : objs).map((m) => applyManifest(`${name}-${role}`, m, { ...child, dependsOn: pull ? [...dependsOn, pull] : dependsOn }));

        const secretValue = pulumi.secret(args.applicationCredentialSecret);
        const cloudConfig =
            t.addons.cloudController || t.addons.cinderCsi
                ? new k8s.core.v1.Secret(
                      `${name}-cloud-config`,
                      {
                          metadata: { name: CLOUD_CONFIG_SECRET, namespace: NAMESPACE },
                          type: "Opaque",
                          stringData: {
                              "cloud.conf": pulumi
                                  .all([args.authUrl, args.applicationCredentialId, secretValue, args.network?.subnetId, args.network?.floatingNetworkId])
                                  .apply(([authUrl, id, secret, subnetId, floatingNetworkId]) =>
                                      renderCloudConf({ authUrl, region: args.region, applicationCredentialId: id, applicationCredentialSecret: secret, subnetId, floatingNetworkId }),
                                  ),
                          },
                      },
                      child,
                  )
                : undefined;
        const needsCloudConfig = cloudConfig ? [cloudConfig] : [];
        if (t.addons.cloudController) apply("cloud-controller", cloudControllerManifests(ctx), needsCloudConfig);

        const classes = [...(t.addons.cinderCsi ? cinderStorageClasses(t) : [])];
        if (t.addons.cinderCsi) apply("cinder-csi", cinderCsiManifests(ctx), needsCloudConfig);

        const manila = manilaStorageClass(t);
        if (manila) {
            const credentials = new k8s.core.v1.Secret(
                `${name}-manila-credentials`,
                {
                    metadata: { name: MANILA_SECRET.name, namespace: MANILA_SECRET.namespace },
                    type: "Opaque",
                    stringData: {
                        "os-authURL": args.authUrl,
                        "os-region": args.region,
                        "os-applicationCredentialID": args.applicationCredentialId,
                        "os-applicationCredentialSecret": secretValue,
                    },
                },
                child,
            );
            apply("manila-csi", manilaCsiManifests(ctx), [credentials]);
            classes.push(manila);
        }
        // Default first, so consumers reading the list find it at the head.
        classes.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
        // A Retain class is where data outlives its claims: in prod it cannot be deleted by accident either.
        for (const sc of classes) applyManifest(`${name}-storage`, storageClassManifest(sc), { ...child, protect: args.ha === true && sc.reclaimPolicy === "Retain" });

        if (snapshots.length > 0) {
            // The CRDs first: the controller watches them and the API refuses a class before they exist. Deleting
            // one deletes every snapshot object of its kind, so in prod they cannot be deleted by accident either.
            const crds = args.snapshotCrds!.map((crd) => applyManifest(`${name}-snapshot-crd`, crd as unknown as Manifest, { ...child, protect: args.ha === true }));
            apply("snapshot-controller", snapshotControllerManifests(ctx), crds);
            for (const c of snapshots) applyManifest(`${name}-snapshot-class`, volumeSnapshotClassManifest(c), { ...child, dependsOn: crds });
        }

        const tls = new k8s.core.v1.Secret(
            `${name}-keystone-auth-tls`,
            {
                metadata: { name: KEYSTONE_AUTH.tlsSecret, namespace: NAMESPACE },
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": args.webhookCertificate.certPem, "tls.key": args.webhookCertificate.keyPem },
            },
            child,
        );
        const policy = new k8s.core.v1.ConfigMap(
            `${name}-keystone-auth-policy`,
            { metadata: { name: KEYSTONE_AUTH.policyConfigMap, namespace: NAMESPACE }, data: { policies: keystoneAuthPolicy(t.keystoneAuth.policy) } },
            child,
        );
        const syncConfig = keystoneAuthSync(t);
        const sync = syncConfig
            ? [new k8s.core.v1.ConfigMap(`${name}-keystone-sync`, { metadata: { name: KEYSTONE_AUTH.syncConfigMap, namespace: NAMESPACE }, data: { syncConfig } }, child)]
            : [];
        const objs = keystoneAuthManifests(ctx, { keystoneUrl: args.authUrl, clusterIP: args.webhookClusterIP, sync: syncConfig !== undefined });
        apply("keystone-auth", objs, [tls, policy, ...sync]);

        this.storageClasses = pulumi.output(classes.map((c) => c.name));
        this.webhookUrl = pulumi.output(keystoneAuthUrl({ clusterIP: args.webhookClusterIP }));
        this.snapshotClasses = pulumi.output(snapshots.map((c) => c.name));
        this.registerOutputs({ storageClasses: this.storageClasses, webhookUrl: this.webhookUrl, snapshotClasses: this.snapshotClasses });
    }
}

/** Snapshot classes need the Cinder CSI driver (its snapshotter sidecar cuts them) and the snapshot CRDs. */
function checkSnapshotArgs(t: TenantClusterConfig, crds: CrdManifest[] | undefined): void {
    if (!t.addons.cinderCsi) throw new Error("tenant.storage.snapshotClasses: Cinder snapshots need the Cinder CSI driver; allowed: tenant.addons.cinderCsi: true, or no snapshotClasses");
    const want = Object.values(SNAPSHOT_CRDS).sort();
    const got = (crds ?? []).map((c) => c.metadata.name).sort();
    if (want.join() !== got.join()) {
        throw new Error(`tenant.storage.snapshotClasses: the snapshot API needs the external-snapshotter CRDs ${want.join(", ")} (from ${EXTERNAL_SNAPSHOTTER.module}@${EXTERNAL_SNAPSHOTTER.version}, loadSnapshotCrds); got ${got.length > 0 ? got.join(", ") : "none"}`);
    }
}
