import { strict as assert } from "assert";
import fc from "fast-check";
import { networkContains, parseAddress, parseNetwork } from "../../../components/net/cidr";
import { tenantAddressPlan, workerCapacity } from "../../../components/tenant/addresses";

const n = (a: string) => parseAddress(a).value;

describe("tenant address plan", () => {
    it("puts the gateway, the API VIP, masters and workers at fixed addresses of the lower half", () => {
        const plan = tenantAddressPlan({ name: "apps", network: { nodes: "192.168.100.0/24" }, masters: { count: 3 }, workers: { count: 2 } });
        assert.equal(plan.gateway, "192.168.100.1");
        assert.equal(plan.apiVip, "192.168.100.5");
        assert.deepEqual(plan.masters, [
            { name: "apps-master-1", address: "192.168.100.10" },
            { name: "apps-master-2", address: "192.168.100.11" },
            { name: "apps-master-3", address: "192.168.100.12" },
        ]);
        assert.deepEqual(plan.workers.map((w) => w.address), ["192.168.100.20", "192.168.100.21"]);
        assert.deepEqual(plan.allocationPool, { start: "192.168.100.128", end: "192.168.100.254" });
    });

    it("refuses more workers than the fixed half holds, and networks smaller than a /26", () => {
        assert.equal(workerCapacity("192.168.100.0/24"), 108);
        assert.equal(workerCapacity("10.0.0.0/26"), 12);
        assert.equal(workerCapacity("10.0.0.0/27"), 0);
        assert.throws(() => tenantAddressPlan({ name: "a", network: { nodes: "192.168.100.0/24" }, masters: { count: 3 }, workers: { count: 109 } }), /at most 108 workers/);
        assert.throws(() => tenantAddressPlan({ name: "a", network: { nodes: "10.0.0.0/27" }, masters: { count: 1 }, workers: { count: 0 } }), /too small/);
    });

    it("never hands out an address twice, outside the network, or inside Neutron's pool (any size that fits)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 16, max: 26 }), fc.integer({ min: 1, max: 7 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (prefix, masters, w, octet) => {
                const nodes = parseNetwork(`10.${octet}.0.0/${prefix}`).text;
                const workers = w % (workerCapacity(nodes) + 1);
                const plan = tenantAddressPlan({ name: "c", network: { nodes }, masters: { count: masters }, workers: { count: Math.min(workers, 300) } });
                const fixed = [plan.gateway, plan.apiVip, ...plan.masters.map((m) => m.address), ...plan.workers.map((x) => x.address)];
                assert.equal(new Set(fixed).size, fixed.length);
                const net = parseNetwork(nodes);
                for (const a of fixed) {
                    assert.ok(networkContains(net, a), `${a} outside ${nodes}`);
                    assert.ok(n(a) < n(plan.allocationPool.start), `${a} inside the DHCP pool`);
                }
                assert.ok(n(plan.allocationPool.end) < net.last, "the pool stops before the broadcast address");
            }),
            { numRuns: 200 },
        );
    });
});
