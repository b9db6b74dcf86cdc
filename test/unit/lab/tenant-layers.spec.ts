// The tenant converge's figures by layer, from the engine's progress as it came: identity, then the OpenStack
// infrastructure, then the control plane's SSH steps, then the add-ons in the cluster; the stack, providers and components are no layer's work.
import { strict as assert } from "assert";
import { layerDeletions, layerSeconds, tenantLayer, type TimedLine } from "../../../tools/lab/openstack/tenant";

const at = (s: number, line: string): TimedLine => ({ at: s * 1000, line });

describe("tenant converge figures by layer", () => {
    it("sorts resources into identity, infrastructure and control plane by type, as shown or as in a URN", () => {
        assert.equal(tenantLayer("openstack:identity:Project"), "identity");
        assert.equal(tenantLayer("openstack:identity/applicationCredential:ApplicationCredential"), "identity");
        assert.equal(tenantLayer("openstack:compute:Instance"), "infrastructure");
        assert.equal(tenantLayer("openstack:loadbalancer/member:Member"), "infrastructure");
        assert.equal(tenantLayer("osk:remote:Command"), "control plane");
        assert.equal(tenantLayer("kubernetes:apps/v1:Deployment"), "add-ons");
        assert.equal(tenantLayer("osk:k8s:ClusterDrain"), "drain");
        assert.equal(tenantLayer("pulumi:providers:kubernetes"), undefined);
        assert.equal(tenantLayer("pulumi:providers:openstack"), undefined);
        assert.equal(tenantLayer("osk:cluster:ControlPlane"), undefined);
        assert.equal(tenantLayer("pulumi:pulumi:Stack"), undefined);
    });

    it("spans each layer from its first create starting to its last create done, counting what it created", () => {
        const lines = [
            at(100, " +  pulumi:pulumi:Stack osk-lab-tenant-lab-tenant-e2e creating (0s) "),
            at(100, " +  osk:cluster:ControlPlane tenant-cluster creating (0s) "),
            at(101, " +  openstack:identity:Project tenant-project creating (0s) "),
            at(103, " +  openstack:identity:Project tenant-project created (2s) "),
            at(103, " +  openstack:identity:User tenant-user creating (0s) "),
            at(105, " +  openstack:identity:User tenant-user created (1s) "),
            at(105, " +  openstack:networking:Network tenant-network creating (0s) "),
            at(106, "@ updating...."),
            at(107, " +  openstack:compute:Instance tenant-m1 creating (0s) "),
            at(109, " +  openstack:networking:Network tenant-network created (3s) "),
            at(140, " +  openstack:compute:Instance tenant-m1 created (33s) "),
            at(141, " +  osk:remote:Command tenant-cluster-init-m1 creating (0s) "),
            at(199.5, " +  osk:remote:Command tenant-cluster-init-m1 created (58s) "),
            at(200, " +  kubernetes:apps/v1:Deployment tenant-addons-keystone-auth creating (0s) "),
            at(203, " +  kubernetes:apps/v1:Deployment tenant-addons-keystone-auth created (3s) "),
            at(200, " +  osk:cluster:ControlPlane tenant-cluster created "),
            at(200, " +  pulumi:pulumi:Stack osk-lab-tenant-lab-tenant-e2e created (100s) "),
        ];
        assert.deepEqual(layerSeconds(lines), [
            { layer: "identity", seconds: 4, resources: 2 },
            { layer: "infrastructure", seconds: 35, resources: 2 },
            { layer: "control plane", seconds: 58.5, resources: 1 },
            { layer: "add-ons", seconds: 3, resources: 1 },
        ]);
    });

    it("spans each layer's deletes in a destroy, in the order the destroy should take them, whatever order the lines came in", () => {
        const lines = [
            at(10, " -  osk:k8s:ClusterDrain tenant-drain deleting (0s) "),
            at(14, " -  osk:k8s:ClusterDrain tenant-drain deleted (4s) "),
            at(14, " -  kubernetes:apps/v1:Deployment tenant-addons-keystone-auth deleting (0s) "),
            at(15, " -  kubernetes:core/v1:Secret tenant-addons-keystone-auth-tls deleting (0s) "),
            at(16, " -  kubernetes:core/v1:Secret tenant-addons-keystone-auth-tls deleted (1s) "),
            at(18, " -  kubernetes:apps/v1:Deployment tenant-addons-keystone-auth deleted (4s) "),
            at(18, " -  osk:remote:Command tenant-cluster-init-m1 deleting (0s) "),
            at(19, " -  osk:remote:Command tenant-cluster-init-m1 deleted (1s) "),
            at(20, " -  openstack:compute:Instance tenant-m1 deleting (0s) "),
            at(30, " -  openstack:compute:Instance tenant-m1 deleted (10s) "),
            at(31, " -  openstack:identity:Project tenant-project deleting (0s) "),
            at(32, " -  openstack:identity:Project tenant-project deleted (1s) "),
            at(32, " -  pulumi:pulumi:Stack osk-lab-tenant-lab-tenant-e2e deleted "),
        ];
        const spans = layerDeletions(lines);
        assert.deepEqual(spans.map((s) => [s.layer, s.from / 1000, s.to / 1000, s.resources]), [
            ["drain", 10, 14, 1],
            ["add-ons", 14, 18, 2],
            ["control plane", 18, 19, 1],
            ["infrastructure", 20, 30, 1],
            ["identity", 31, 32, 1],
        ]);
        // A delete of an earlier layer starting before a later one ended shows as an overlap.
        const early = layerDeletions([...lines, at(12, " -  openstack:compute:Instance tenant-m2 deleting (0s) ")]);
        assert.equal(early.find((s) => s.layer === "infrastructure")!.from, 12000);
    });
});
