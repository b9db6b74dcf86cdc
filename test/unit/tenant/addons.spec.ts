import { strict as assert } from "assert";
import { parse } from "yaml";
import { cinderStorageClasses, keystoneAuthPolicy, keystoneAuthSync, manilaStorageClass, renderCloudConf, webhookApiServerArgs, webhookKubeconfig } from "../../../components/tenant/addons/render";
import type { TenantClusterConfig } from "../../../stacks/config/schema";
import { model } from "../../helpers/models";

const tenant = (edit?: (v: Record<string, any>) => void): TenantClusterConfig => {
    const t = model("prod", edit).tenant;
    if (!t.enabled) throw new Error("prod has a tenant");
    return t;
};

describe("tenant add-on configuration", () => {
    it("cloud.conf authenticates with the application credential and uses Octavia", () => {
        const conf = renderCloudConf({ authUrl: "https://keystone.example/v3", region: "fra1", applicationCredentialId: "id1", applicationCredentialSecret: "<redacted>", subnetId: "sub", floatingNetworkId: "ext" });
        assert.match(conf, /^\[Global\]\nauth-url=https:\/\/keystone\.example\/v3\nregion=fra1\napplication-credential-id=id1\napplication-credential-secret=<redacted>\n/);
        assert.match(conf, /\[LoadBalancer\]\nuse-octavia=true\nsubnet-id=sub\nfloating-network-id=ext/);
        assert.throws(() => renderCloudConf({ authUrl: "x", region: "r\n[Global]", applicationCredentialId: "i", applicationCredentialSecret: "s" }), /single-line/);
    });

    it("Cinder StorageClasses carry the volume type, the reclaim policy and one default", () => {
        const classes = cinderStorageClasses(tenant());
        assert.deepEqual(classes.map((c) => [c.name, c.reclaimPolicy, c.isDefault, c.parameters.type]), [
            ["standard", "Delete", true, "ssd"],
            ["standard-retain", "Retain", false, "ssd"],
        ]);
        assert.ok(classes.every((c) => c.provisioner === "cinder.csi.openstack.org"));
    });

    it("the Manila StorageClass has its share type and a secret for every driver operation", () => {
        assert.equal(manilaStorageClass(tenant()), undefined);
        const sc = manilaStorageClass(
            tenant((v) => {
                v.tenant.storage.manila = { enabled: true, shareType: "default", shareNetworkId: "net1" };
                v.openstack.services.push("manila");
                v.charts.versions.manila = "2026.1.24+0ee5adeff";
            }),
        );
        assert.equal(sc!.provisioner, "nfs.manila.csi.openstack.org");
        assert.equal(sc!.parameters.type, "default");
        assert.equal(sc!.parameters.shareNetworkID, "net1");
        for (const op of ["provisioner", "controller-expand", "node-stage", "node-publish"]) {
            assert.equal(sc!.parameters[`csi.storage.k8s.io/${op}-secret-name`], "manila-csi-credentials");
            assert.equal(sc!.parameters[`csi.storage.k8s.io/${op}-secret-namespace`], "kube-system");
        }
    });

    it("the keystone-auth policy maps project + role to namespace/resource verbs", () => {
        const policy = JSON.parse(keystoneAuthPolicy(tenant().keystoneAuth.policy));
        assert.deepEqual(policy[0], {
            users: { projects: ["platform-apps"], roles: ["member"] },
            resource_permissions: { "*/pods": ["get", "list", "watch"], "*/deployments": ["get", "list", "watch"], "*/services": ["get", "list", "watch"], "*/configmaps": ["get", "list", "watch"] },
        });
        assert.deepEqual(policy[1].resource_permissions, { "*/*": ["*"] });
    });

    it("the sync configuration syncs projects and role assignments into namespaces named with %i", () => {
        const sync = parse(keystoneAuthSync(tenant())!);
        assert.deepEqual(sync, { "data-types-to-sync": ["projects", "role_assignments"], "namespace-format": "project-%i" });
        assert.equal(keystoneAuthSync(tenant((v) => (v.tenant.keystoneAuth.sync = { enabled: false }))), undefined);
    });

    it("apiservers reach the webhook through a kubeconfig-format file and authorize Node,RBAC,Webhook", () => {
        const kc = parse(webhookKubeconfig("https://127.0.0.1:8443/webhook", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n"));
        assert.equal(kc.clusters[0].cluster.server, "https://127.0.0.1:8443/webhook");
        assert.match(Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(), /BEGIN CERTIFICATE/);
        assert.equal(kc["current-context"], "keystone-auth");
        assert.deepEqual(webhookApiServerArgs(), {
            "authentication-token-webhook-config-file": "/etc/kubernetes/keystone-auth/authn.kubeconfig",
            "authorization-webhook-config-file": "/etc/kubernetes/keystone-auth/authz.kubeconfig",
            "authorization-mode": "Node,RBAC,Webhook",
        });
    });
});
