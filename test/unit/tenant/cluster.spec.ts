// The whole tenant cluster of the prod stack under mocks: identity -> infrastructure -> kubeadm control plane with
// the webhook -> add-ons -> drain, and what that order means for a destroy.
import { strict as assert } from "assert";
import { parseAllDocuments } from "yaml";
import { INIT_TEMPLATE, JOIN_TEMPLATE } from "../../../components/cluster/scripts";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";

const CMD = "osk:remote:Command";

describe("tenant cluster on OpenStack (prod under mocks)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });
    const names = (prefix: string) => run.resources.filter((r) => r.name.startsWith(prefix)).map((r) => r.name);

    it("creates everything on OpenStack with the tenant's application credential, through one explicit provider", () => {
        const p = run.byName("tenant-openstack");
        assert.equal(p.type, "pulumi:providers:openstack");
        assert.equal(p.inputs.applicationCredentialId, "tenant-application-credential-id");
        assert.ok(!plainStrings(p.wire).includes("generated-tenant-application-credential"), "the credential secret is encrypted in state");
        // The identity is the exception: it is what the credential is made from (tenant identity spec).
        for (const r of run.resources.filter((x) => x.type.startsWith("openstack:") && !x.type.startsWith("openstack:identity/"))) assert.match(r.provider ?? "", /::tenant-openstack::/, r.name);
    });

    it("builds the control plane on the planned instances, behind the Octavia VIP, only once they exist", () => {
        const init = run.byName("tenant-cluster-init-apps-master-1");
        const docs = parseAllDocuments(init.inputs.files[INIT_TEMPLATE]).map((d) => d.toJS());
        const cluster = docs.find((d) => d.kind === "ClusterConfiguration");
        assert.equal(cluster.controlPlaneEndpoint, "192.168.100.5:6443");
        assert.equal(cluster.networking.serviceSubnet, "10.101.0.0/16");
        assert.ok(cluster.apiServer.certSANs.includes("192.168.100.5"));
        const prepare = run.byName("tenant-cluster");
        const instances = run.ofType("openstack:compute/instance:Instance").map((i) => i.name);
        assert.equal(instances.length, 7);
        for (const i of instances) assert.ok(prepare.dependsOn.includes(i), `the control plane waits for ${i}`);
        assert.ok(prepare.dependsOn.some((d) => /member/.test(d)), "and for the load balancer's members");
        assert.equal(run.ofType(CMD).filter((c) => c.name.startsWith("tenant-cluster-join-apps-")).length, 6);
    });

    it("configures every apiserver for the Keystone webhook and every kubelet for the external cloud provider", () => {
        const init = run.byName("tenant-cluster-init-apps-master-1");
        const docs = parseAllDocuments(init.inputs.files[INIT_TEMPLATE]).map((d) => d.toJS());
        const args = Object.fromEntries(docs.find((d) => d.kind === "ClusterConfiguration").apiServer.extraArgs.map((a: any) => [a.name, a.value]));
        assert.equal(args["authentication-token-webhook-config-file"], "/etc/kubernetes/keystone-auth/authn.kubeconfig");
        assert.equal(args["authorization-config"], "/etc/kubernetes/keystone-auth/authorization.yaml");
        assert.equal(args["authorization-mode"], undefined, "the configuration file replaces the mode flag (the apiserver refuses both)");
        assert.match(init.inputs.files["/etc/kubernetes/keystone-auth/authorization.yaml"], /kubeConfigFile: \/etc\/kubernetes\/keystone-auth\/authz\.kubeconfig/);
        const kubelet = docs.find((d) => d.kind === "InitConfiguration").nodeRegistration.kubeletExtraArgs;
        assert.deepEqual(kubelet.find((a: any) => a.name === "cloud-provider"), { name: "cloud-provider", value: "external" });
        for (const r of [init, run.byName("tenant-cluster-join-apps-master-2")]) {
            const authn = parseAllDocuments(r.inputs.files["/etc/kubernetes/keystone-auth/authn.kubeconfig"])[0].toJS();
            assert.equal(authn.clusters[0].cluster.server, "https://10.101.0.12:8443/webhook");
            assert.equal(Buffer.from(authn.clusters[0].cluster["certificate-authority-data"], "base64").toString(), "ca-of-tenant-webhook-tls");
        }
        const worker = run.byName("tenant-cluster-join-apps-worker-1");
        assert.equal(worker.inputs.files["/etc/kubernetes/keystone-auth/authn.kubeconfig"], undefined, "workers run no apiserver");
        assert.match(worker.inputs.files[JOIN_TEMPLATE], /cloud-provider/);
    });

    it("applies the add-ons to the tenant cluster after its control plane, and the drain after the add-ons", () => {
        assert.deepEqual(run.byName("tenant-addons").dependsOn, ["tenant-cluster"]);
        assert.deepEqual(run.byName("tenant-drain").dependsOn, ["tenant-addons"]);
        // A destroy runs this backwards: the drain gives back LoadBalancer Services and claims while the cloud
        // controller and CSI drivers still run, then the add-ons go, then the cluster, then the instances, the
        // load balancer and the network it depended on.
        assert.equal(run.byName("tenant-drain").inputs.allowVolumeDeletion, false);
        assert.ok(!plainStrings(run.byName("tenant-drain").wire).some((s) => s.includes("apiVersion: v1")), "its kubeconfig is encrypted");
        assert.ok(names("tenant-addons-cloud-controller-").length >= 4);
        assert.ok(names("tenant-addons-cinder-csi-").length >= 5);
        assert.ok(names("tenant-addons-keystone-auth-").length >= 5);
    });

    it("builds cloud.conf from the application credential, in a Secret the state keeps encrypted", () => {
        const secret = run.byName("tenant-addons-cloud-config");
        const conf: string = secret.inputs.stringData["cloud.conf"];
        assert.match(conf, /^application-credential-id=tenant-application-credential-id$/m);
        assert.match(conf, /^application-credential-secret=generated-tenant-application-credential$/m);
        assert.match(conf, /^subnet-id=tenant-subnet-id$/m);
        assert.ok(!plainStrings(secret.wire).some((s) => s.includes("generated-tenant-application-credential")));
        const tls = run.byName("tenant-addons-keystone-auth-tls");
        assert.ok(!plainStrings(tls.wire).includes("generated-key-of-tenant-webhook-tls"), "the webhook's key is encrypted");
    });

    it("protects the Retain StorageClass and marks one default", () => {
        const classes = run.ofType("kubernetes:storage.k8s.io/v1:StorageClass").filter((r) => r.name.startsWith("tenant-")).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(classes.map((c) => [c.inputs.metadata.name, c.inputs.reclaimPolicy, c.protect]), [
            ["standard", "Delete", false],
            ["standard-retain", "Retain", true],
        ]);
        assert.equal(classes[0].inputs.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    });

    it("exports the tenant's kubeconfig (secret), API VIP and endpoint, StorageClasses and webhook URL", () => {
        assert.ok(run.secretOutputs.has("tenantKubeconfig"));
        assert.equal(run.outputs.tenantApiVip, "192.168.100.5");
        assert.match(String(run.outputs.tenantApiEndpoint), /^https:\/\/.+:6443$/);
        assert.deepEqual(run.outputs.tenantStorageClasses, ["standard", "standard-retain"]);
        assert.equal(run.outputs.tenantWebhookUrl, "https://10.101.0.12:8443/webhook");
    });
});
