// The operator fixtures the lab's OpenStack makes for the stacks that build tenant clusters on it.
import { strict as assert } from "assert";
import { join } from "path";
import { EXTERNAL_NETWORK, fixturesFor, stackFixtures, tenantOf, TENANT_STACK_FILE } from "../../../tools/lab/openstack/openstack";
import { perKindSeconds } from "../../../tools/lab/openstack/tenant";

const prod = () => tenantOf(join(__dirname, "..", "..", "..", "Pulumi.prod.yaml"));

describe("lab OpenStack fixtures", () => {
    it("make every flavor, the image, the external network and every named volume type of the committed stacks", () => {
        const f = stackFixtures();
        const lab = tenantOf(TENANT_STACK_FILE);
        const names = f.flavors.map((x) => x.name);
        for (const t of [lab, prod()]) {
            assert.ok(names.includes(t.masters.flavor) && names.includes(t.workers.flavor), `${t.name}'s flavors`);
            for (const c of t.storage.cinderClasses) if (c.volumeType) assert.ok(f.volumeTypes.includes(c.volumeType), `volume type ${c.volumeType}`);
        }
        assert.equal(new Set(names).size, names.length, "each flavor once");
        assert.equal(f.image, lab.image);
        assert.deepEqual(f.externalNetwork, { name: lab.network.externalNetwork, ...EXTERNAL_NETWORK });
    });

    it("refuse stacks that name two external networks (the lab has one flat network)", () => {
        const other = { ...prod(), network: { ...prod().network, externalNetwork: "elsewhere" } };
        assert.throws(() => fixturesFor([prod(), other]), /one external network; the stacks name public, elsewhere/);
    });

    it("read a converge log's longest create per resource type", () => {
        const log = ["    +  openstack:compute/instance:Instance tenant-a created (12s)", "    +  openstack:compute/instance:Instance tenant-b created (20s)", " +  openstack:networking/port:Port tenant-a-port created (1.5s)", "    ~  x:y:Z q updated (3s)"].join("\n");
        assert.deepEqual(perKindSeconds(log), [["openstack:compute/instance:Instance", 20], ["openstack:networking/port:Port", 1.5]]);
    });
});
