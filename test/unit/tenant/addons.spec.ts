import { strict as assert } from "assert";
import { parse } from "yaml";
import { cinderStorageClasses, keystoneAuthPolicy, keystoneAuthSync, manilaStorageClass, renderCloudConf, webhookApiServerArgs, webhookAuthorizationConfig, webhookKubeconfig } from "../../../components/tenant/addons/render";
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

    it("apiservers reach the webhook through a kubeconfig-format file and authorize Node, RBAC, then the webhook", () => {
        const kc = parse(webhookKubeconfig("https://127.0.0.1:8443/webhook", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n"));
        assert.equal(kc.clusters[0].cluster.server, "https://127.0.0.1:8443/webhook");
        assert.match(Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(), /BEGIN CERTIFICATE/);
        assert.equal(kc["current-context"], "keystone-auth");
        assert.deepEqual(webhookApiServerArgs(), {
            "authentication-token-webhook-config-file": "/etc/kubernetes/keystone-auth/authn.kubeconfig",
            "authorization-config": "/etc/kubernetes/keystone-auth/authorization.yaml",
        });
        const config = parse(webhookAuthorizationConfig());
        assert.equal(config.kind, "AuthorizationConfiguration");
        assert.deepEqual(config.authorizers.map((a: { type: string }) => a.type), ["Node", "RBAC", "Webhook"]);
        assert.equal(config.authorizers[2].webhook.connectionInfo.kubeConfigFile, "/etc/kubernetes/keystone-auth/authz.kubeconfig");
    });

    it("never lets the cluster's own identities wait on the webhook, and never waits long for it", () => {
        const webhook = parse(webhookAuthorizationConfig()).authorizers[2].webhook;
        // The conditions as the apiserver evaluates them (CEL): every one must hold for the webhook to be asked.
        const asked = (user: string, groups: string[]) =>
            webhook.matchConditions.every(({ expression }: { expression: string }) => {
                const prefix = /^!request\.user\.startsWith\('([^']+)'\)$/.exec(expression);
                if (prefix) return !user.startsWith(prefix[1]);
                const excluded = [...expression.matchAll(/'([^']+)' in request\.groups/g)].map((m) => m[1]);
                assert.ok(excluded.length > 0, `a condition this test does not read: ${expression}`);
                return excluded.every((g) => !groups.includes(g));
            });
        assert.ok(!asked("kubernetes-super-admin", ["system:masters"]), "kubeadm's super-admin");
        assert.ok(!asked("kubernetes-admin", ["kubeadm:cluster-admins"]), "kubeadm's admin.conf, refused by RBAC before its binding exists");
        assert.ok(!asked("system:kube-controller-manager", []));
        assert.ok(!asked("system:node:apps-master-1", ["system:nodes"]));
        assert.ok(!asked("system:serviceaccount:kube-system:k8s-keystone-auth", ["system:serviceaccounts"]));
        assert.ok(asked("alice", ["4f0e4c0bdbd64fb0a3a1e6e5b1a7c2d1"]), "a Keystone user is");
        assert.equal(webhook.failurePolicy, "Deny");
        assert.ok(parseInt(webhook.timeout, 10) < 10, `${webhook.timeout}: under kubeadm's 10 s request timeout`);
    });
});
