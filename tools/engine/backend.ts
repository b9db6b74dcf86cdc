// Where a site's state lives and how its secrets are encrypted, from one setting each, for every `./osk` command that
// acts on a site's own stack (fleet, upgrade):
// - OSK_BACKEND: the Pulumi backend URL. Default: the local file backend in ~/.osk/state. A platform team sets its
//   shared object store here (s3://BUCKET?endpoint=...&region=...; azblob://, gs://, or a Pulumi service https URL),
//   so every CI runner and operator reads and locks the same state.
// - the secrets provider per stack: what the stack file says (`secretsprovider:`, written by `pulumi stack init
//   --secrets-provider`), else OSK_SECRETS_PROVIDER, else the passphrase (PULUMI_CONFIG_PASSPHRASE[_FILE]).
import { homedir } from "os";
import { join } from "path";

export const DEFAULT_STATE_DIR = join(homedir(), ".osk", "state");

const BACKEND_SCHEMES = ["file", "s3", "azblob", "gs", "https"] as const;
const SECRETS_SCHEMES = ["passphrase", "awskms", "azurekeyvault", "gcpkms", "hashivault"] as const;

/** The backend URL from OSK_BACKEND, checked; throws a message naming the setting and what is allowed. */
export function backendUrl(env: NodeJS.ProcessEnv = process.env): string {
    const value = (env.OSK_BACKEND ?? "").trim();
    if (value === "") return `file://${DEFAULT_STATE_DIR}`;
    const scheme = /^([a-z0-9]+):\/\/./.exec(value)?.[1];
    if (!scheme || !(BACKEND_SCHEMES as readonly string[]).includes(scheme)) {
        throw new Error(`OSK_BACKEND: "${value}" is not a Pulumi backend URL; allowed: ${BACKEND_SCHEMES.map((s) => `${s}://...`).join(", ")} (unset: file://${DEFAULT_STATE_DIR})`);
    }
    if (scheme === "s3" && !/[?&]region=/.test(value)) {
        throw new Error(`OSK_BACKEND: "${value}" names no region; an S3 URL needs region=<region> (and endpoint=<url>&s3ForcePathStyle=true for a store other than AWS)`);
    }
    return value;
}

/** The backend URL with its query (endpoint, profile) left out, for logs and tables. */
export function describeBackend(url: string): string {
    return url.replace(/\?.*$/, "");
}

/** The secrets provider a new stack is created with: the stack file's, else OSK_SECRETS_PROVIDER, else passphrase. */
export function secretsProvider(stackFile: { secretsprovider?: unknown }, env: NodeJS.ProcessEnv = process.env): string {
    const value = String(stackFile.secretsprovider ?? env.OSK_SECRETS_PROVIDER ?? "passphrase").trim();
    const scheme = value === "passphrase" ? value : /^([a-z]+):\/\/./.exec(value)?.[1];
    if (!scheme || !(SECRETS_SCHEMES as readonly string[]).includes(scheme)) {
        throw new Error(`secrets provider "${value}" is not one Pulumi knows; allowed: passphrase, ${SECRETS_SCHEMES.slice(1).map((s) => `${s}://...`).join(", ")}`);
    }
    return value;
}
