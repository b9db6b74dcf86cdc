import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret, type SecretFormat } from "../secrets/generated";

/** Shape of each credential; everything not listed is a 32-character password. */
const FORMATS: Record<string, { format: SecretFormat; length: number }> = {
    "barbican-kek": { format: "base64Key", length: 32 },
    "memcache-secret-key": { format: "password", length: 64 },
    "horizon-secret-key": { format: "password", length: 64 },
};

export interface CredentialsArgs {
    /** Credential names to generate (from the values builders). */
    names: readonly string[];
    /** Rotation token per credential; a new token generates a new value. @default {} */
    rotation?: Readonly<Record<string, string>>;
    /** Credentials the site gives instead of generating them (the image mirror's password). @default {} */
    provided?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * Every password, key and token the OpenStack side needs, generated once and kept encrypted in stack state.
 * Stable across `pulumi up`; rotated one by one through `osk:platform.rotation` (docs/credentials.md).
 */
export class Credentials extends pulumi.ComponentResource {
    private readonly values = new Map<string, pulumi.Output<string>>();

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:platform:Credentials", name, {}, opts);
        for (const cred of args.names) {
            const given = args.provided?.[cred];
            if (given !== undefined) {
                this.values.set(cred, pulumi.secret(given));
                continue;
            }
            const shape = FORMATS[cred] ?? { format: "password", length: 32 };
            const gen = new GeneratedSecret(`${name}-${cred}`, { ...shape, rotation: args.rotation?.[cred] ?? "" }, { parent: this });
            // Wrapped again so the value stays secret whatever engine runs the program.
            this.values.set(cred, pulumi.secret(gen.value));
        }
        this.registerOutputs({ names: [...args.names] });
    }

    /** The secret value of a credential; asking for one that was not generated is a programming error. */
    get(name: string): pulumi.Output<string> {
        const v = this.values.get(name);
        if (!v) throw new Error(`credential "${name}" was not generated`);
        return v;
    }
}
