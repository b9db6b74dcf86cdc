// The base of OSK's own resource classes: a CustomResource served by the `osk` provider plugin at the version of
// this package, so the engine runs the plugin the toolchain installed for it. The alias to the former dynamic type
// lets a stack converged with the dynamic providers keep every resource (no replacement, nothing regenerated).
import * as pulumi from "@pulumi/pulumi";
import { version } from "../../package.json";

/** Version of the `osk` plugin: the package's own. */
export const PROVIDER_VERSION: string = version;

/** The type a resource had as a dynamic resource: `osk:<module>:<Type>` was `pulumi-nodejs:dynamic/<module>:<Type>`. */
export function dynamicToken(token: string): string {
    const m = /^osk:([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
    if (!m) throw new Error(`"${token}" is not an osk resource token; allowed: osk:<module>:<Type>`);
    return `pulumi-nodejs:dynamic/${m[1]}:${m[2]}`;
}

export abstract class OskResource extends pulumi.CustomResource {
    /**
     * @param token `osk:<module>:<Type>`
     * @param secretOutputs outputs kept encrypted in state whatever the caller passed
     */
    protected constructor(token: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, secretOutputs: string[]) {
        super(
            token,
            name,
            props,
            pulumi.mergeOptions(opts, { version: PROVIDER_VERSION, additionalSecretOutputs: secretOutputs, aliases: [{ type: dynamicToken(token) }] }),
        );
    }
}
