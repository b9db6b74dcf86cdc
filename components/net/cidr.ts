// Address maths shared by config validation and the components: parse, contain, overlap.
// Ranges are handled as BigInt intervals so IPv4 and IPv6 follow the same rules.
import ipaddr from "ipaddr.js";

export type Family = "ipv4" | "ipv6";

/** A parsed network in canonical form (no host bits set). */
export interface Network {
    readonly family: Family;
    readonly prefix: number;
    /** First address of the network, as an integer. */
    readonly first: bigint;
    /** Last address of the network, as an integer. */
    readonly last: bigint;
    /** Canonical text form, e.g. `10.0.0.0/24`. */
    readonly text: string;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
    return addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, family: Family): string {
    const bytes: number[] = [];
    for (let i = 0; i < BITS[family] / 8; i++) {
        bytes.unshift(Number(value & 0xffn));
        value >>= 8n;
    }
    return ipaddr.fromByteArray(bytes).toString();
}

/** True when `text` is a plain IPv4 or IPv6 address (no prefix). */
export function isIpAddress(text: string): boolean {
    return ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || (ipaddr.IPv6.isValid(text) && text.includes(":")));
}

/** The integer value and family of an address; throws on anything that is not an address. */
export function parseAddress(text: string): { family: Family; value: bigint } {
    if (!isIpAddress(text)) {
        throw new Error(`"${text}" is not an IPv4 or IPv6 address`);
    }
    const addr = ipaddr.parse(text);
    return { family: addr.kind(), value: toBigInt(addr) };
}

/**
 * Parses `a.b.c.d/n` (or IPv6) into a canonical network. Host bits must be zero, so a typo such as
 * `10.0.0.1/24` is caught instead of silently widened.
 */
export function parseNetwork(text: string): Network {
    const slash = text.indexOf("/");
    if (slash < 0) {
        throw new Error(`"${text}" is not in CIDR notation (address/prefix)`);
    }
    const { family, value } = parseAddress(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > BITS[family]) {
        throw new Error(`"${text}" has prefix length "${prefixText}"; allowed 0-${BITS[family]}`);
    }
    const hostBits = BigInt(BITS[family] - prefix);
    const first = (value >> hostBits) << hostBits;
    if (first !== value) {
        throw new Error(`"${text}" has host bits set; the network is ${fromBigInt(first, family)}/${prefix}`);
    }
    const last = first + (1n << hostBits) - 1n;
    return { family, prefix, first, last, text: `${fromBigInt(first, family)}/${prefix}` };
}

/** True when `address` lies inside `network`. */
export function networkContains(network: Network, address: string): boolean {
    const a = parseAddress(address);
    return a.family === network.family && a.value >= network.first && a.value <= network.last;
}

/** True when the two networks share at least one address. */
export function networksOverlap(a: Network, b: Network): boolean {
    return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Number of addresses in the network. */
export function networkSize(network: Network): bigint {
    return network.last - network.first + 1n;
}

/**
 * The `index`-th address of the network, counting from its first address; negative counts from the end
 * (`-1` is the last). Throws when the index falls outside.
 */
export function addressAt(network: Network, index: bigint | number): string {
    const i = BigInt(index);
    const value = i >= 0n ? network.first + i : network.last + 1n + i;
    if (value < network.first || value > network.last) {
        throw new Error(`index ${i} is outside ${network.text}`);
    }
    return fromBigInt(value, network.family);
}

/** Splits a network into its two halves (one prefix bit longer). */
export function halves(network: Network): [Network, Network] {
    if (network.prefix >= BITS[network.family]) {
        throw new Error(`${network.text} cannot be split`);
    }
    const half = networkSize(network) / 2n;
    const prefix = network.prefix + 1;
    return [
        parseNetwork(`${fromBigInt(network.first, network.family)}/${prefix}`),
        parseNetwork(`${fromBigInt(network.first + half, network.family)}/${prefix}`),
    ];
}
