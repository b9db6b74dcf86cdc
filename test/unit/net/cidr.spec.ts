import { strict as assert } from "assert";
import fc from "fast-check";
import { addressAt, halves, isIpAddress, networkContains, networkSize, networksOverlap, parseNetwork } from "../../../components/net/cidr";

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
/** The network of the given prefix length that contains the address. */
function containing(ip: string, p: number) {
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const masked = p === 0 ? 0 : Number((BigInt(n) >> BigInt(32 - p)) << BigInt(32 - p));
    return parseNetwork(`${[24, 16, 8, 0].map((s) => (masked >>> s) & 255).join(".")}/${p}`);
}
const prefix = fc.integer({ min: 0, max: 32 });
/** A canonical IPv4 network: any address masked to any prefix. */
const net4 = fc.tuple(ipv4, prefix).map(([a, p]) => containing(a, p));

describe("address maths", () => {
    it("parses canonical networks and rejects host bits, bad prefixes and non-addresses", () => {
        assert.equal(parseNetwork("10.20.0.0/24").text, "10.20.0.0/24");
        assert.equal(parseNetwork("fd00::/64").text, "fd00::/64");
        assert.throws(() => parseNetwork("10.20.0.1/24"), /host bits set; the network is 10\.20\.0\.0\/24/);
        assert.throws(() => parseNetwork("10.20.0.0/33"), /prefix length "33"/);
        assert.throws(() => parseNetwork("10.20.0.0"), /CIDR notation/);
        assert.throws(() => parseNetwork("10.20.0/24"), /not an IPv4 or IPv6 address/);
        assert.equal(isIpAddress("010.1.1.1"), false, "leading zeros are ambiguous (octal) and refused");
        assert.equal(isIpAddress("10.1.1"), false);
        assert.equal(isIpAddress("::1"), true);
    });

    it("overlap is symmetric and reflexive", () => {
        fc.assert(fc.property(net4, net4, (a, b) => networksOverlap(a, b) === networksOverlap(b, a) && networksOverlap(a, a)));
    });

    it("two networks overlap exactly when one contains the other's first address", () => {
        fc.assert(
            fc.property(net4, net4, (a, b) =>
                networksOverlap(a, b) === (networkContains(a, addressAt(b, 0)) || networkContains(b, addressAt(a, 0))),
            ),
        );
    });

    it("an address inside both networks means they overlap", () => {
        fc.assert(
            fc.property(ipv4, prefix, prefix, (ip, p, q) => {
                const a = containing(ip, p);
                const b = containing(ip, q);
                return networkContains(a, ip) && networkContains(b, ip) && networksOverlap(a, b);
            }),
        );
    });

    it("the two halves of a network are disjoint, inside it, and cover it", () => {
        fc.assert(
            fc.property(net4, (n) => {
                fc.pre(n.prefix < 32);
                const [lo, hi] = halves(n);
                return (
                    !networksOverlap(lo, hi) &&
                    networksOverlap(lo, n) &&
                    networksOverlap(hi, n) &&
                    networkSize(lo) + networkSize(hi) === networkSize(n) &&
                    lo.first === n.first &&
                    hi.last === n.last
                );
            }),
        );
    });

    it("addressAt stays inside the network and counts from either end", () => {
        fc.assert(
            fc.property(net4, fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), (n, i) => {
                fc.pre(i < networkSize(n));
                return networkContains(n, addressAt(n, i)) && addressAt(n, -1n - i) === addressAt(n, networkSize(n) - 1n - i);
            }),
        );
        assert.throws(() => addressAt(parseNetwork("10.0.0.0/30"), 4), /outside/);
    });

    it("IPv4 and IPv6 never overlap or contain each other", () => {
        const v6 = parseNetwork("::/0");
        fc.assert(fc.property(net4, ipv4, (n, ip) => !networksOverlap(n, v6) && !networkContains(v6, ip)));
    });
});
