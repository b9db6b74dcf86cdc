// The tenant converge's figures by layer, from the engine's progress as it came: identity, then the OpenStack
// infrastructure, then the control plane's SSH steps; the stack, providers and components are no layer's work.
import { strict as assert } from "assert";
import { layerSeconds, tenantLayer, type TimedLine } from "../../../tools/lab/openstack/tenant";

const at = (s: number, line: string): TimedLine => ({ at: s * 1000, line });

describe("tenant converge figures by layer", () => {
    it("sorts resources into identity, infrastructure and control plane by type, as shown or as in a URN", () => {
        assert.equal(tenantLayer("openstack:identity:Project"), "identity");
        assert.equal(tenantLayer("openstack:identity/applicationCredential:ApplicationCredential"), "identity");
        assert.equal(tenantLayer("openstack:compute:Instance"), "infrastructure");
        assert.equal(tenantLayer("openstack:loadbalancer/member:Member"), "infrastructure");
        assert.equal(tenantLayer("osk:remote:Command"), "control plane");
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
            at(200, " +  osk:cluster:ControlPlane tenant-cluster created "),
            at(200, " +  pulumi:pulumi:Stack osk-lab-tenant-lab-tenant-e2e created (100s) "),
        ];
        assert.deepEqual(layerSeconds(lines), [
            { layer: "identity", seconds: 4, resources: 2 },
            { layer: "infrastructure", seconds: 35, resources: 2 },
            { layer: "control plane", seconds: 58.5, resources: 1 },
        ]);
    });
});
