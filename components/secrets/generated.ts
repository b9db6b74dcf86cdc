// Secrets generated once and kept encrypted in stack state: stable across `pulumi up`, rotated by changing
// `rotation`. Served by OSK's own provider plugin (components/provider), because the random provider cannot be
// built here and a derivation from config would make every secret depend on one value.
import type * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { ResourceHandler } from "../provider/types";

export type SecretFormat = "password" | "hex" | "bootstrapToken" | "base64Key";

export interface GeneratedSecretArgs {
    /** Shape of the value. @default "password" */
    format?: SecretFormat;
    /** Length for `password` and `hex`. @default 32 */
    length?: number;
    /** Change this (e.g. to a date) to generate a new value. @default "" */
    rotation?: pulumi.Input<string>;
}

const ALPHANUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A random value of the given shape from the given byte source (unbiased: rejection sampling). */
export function generate(format: SecretFormat, length: number, randomBytes: (n: number) => Buffer): string {
    const pick = (alphabet: string, n: number) => {
        let out = "";
        const limit = 256 - (256 % alphabet.length);
        while (out.length < n) {
            for (const b of randomBytes(n * 2)) {
                if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
            }
        }
        return out;
    };
    switch (format) {
        case "hex":
            return pick("0123456789abcdef", length);
        case "base64Key":
            // `length` random bytes, base64: what key-encryption keys (e.g. barbican's) expect.
            return randomBytes(length).toString("base64");
        case "bootstrapToken":
            // kubeadm's shape: [a-z0-9]{6}.[a-z0-9]{16}
            return `${pick("abcdefghijklmnopqrstuvwxyz0123456789", 6)}.${pick("abcdefghijklmnopqrstuvwxyz0123456789", 16)}`;
        default:
            return pick(ALPHANUM, length);
    }
}

interface Inputs {
    format: SecretFormat;
    length: number;
    rotation: string;
}

/** What the plugin does for `osk:secrets:Generated`: a value once, a new one only for a new shape or rotation. */
export const GeneratedHandler: ResourceHandler<Inputs, Inputs & { value: string }> = {
    token: "osk:secrets:Generated",
    diff(olds, news) {
        const replaces = (["format", "length", "rotation"] as const).filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0, replaces };
    },
    async create(inputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("crypto") as typeof import("crypto");
        const value = generate(inputs.format, inputs.length, crypto.randomBytes);
        return { id: crypto.randomBytes(8).toString("hex"), outs: { ...inputs, value } };
    },
};

/** A generated secret; `value` is always a secret Output. */
export class GeneratedSecret extends OskResource {
    // `declare`: a class field would overwrite what the base constructor set.
    declare public readonly value: pulumi.Output<string>;

    constructor(name: string, args: GeneratedSecretArgs = {}, opts?: pulumi.CustomResourceOptions) {
        super("osk:secrets:Generated", name, { format: args.format ?? "password", length: args.length ?? 32, rotation: args.rotation ?? "", value: undefined }, opts, ["value"]);
    }
}
