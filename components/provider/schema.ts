// The `osk` package schema: every resource type the plugin serves, its inputs and outputs, which of them are secret.
// The plugin keeps the properties marked secret encrypted in state; `pulumi package get-schema osk` prints it.
import { PROVIDER_VERSION } from "./resource";

type Prop = { description: string; secret?: boolean } & ({ type: string; items?: Prop; additionalProperties?: Prop } | { $ref: string });

const str = (description: string, secret = false): Prop => ({ type: "string", description, ...(secret ? { secret } : {}) });
const int = (description: string): Prop => ({ type: "integer", description });
const bool = (description: string): Prop => ({ type: "boolean", description });
const strMap = (description: string, secret = false): Prop => ({ type: "object", additionalProperties: { type: "string", description: "" }, description, ...(secret ? { secret } : {}) });
const strList = (description: string): Prop => ({ type: "array", items: { type: "string", description: "" }, description });
const ref = (token: string, description: string): Prop => ({ $ref: `#/types/${token}`, description });
const any = (description: string): Prop => ({ $ref: "pulumi.json#/Any", description });

interface TypeSpec {
    description: string;
    inputs: Record<string, Prop>;
    required: string[];
    /** Outputs beyond the inputs (every input is also an output). */
    outputs: Record<string, Prop>;
}

export const RESOURCE_SPECS: Record<string, TypeSpec> = {
    "osk:remote:Command": {
        description: "A shell step run over SSH on create (again, in place, when its script, files, environment or triggers change), and an optional script on delete.",
        inputs: {
            connection: ref("osk:remote:Connection", "Where to run."),
            alternateHosts: strList("Other addresses to run at, in order, when the host cannot be reached or its script exits 75."),
            privateKey: str("SSH private key.", true),
            files: strMap("Files written (mode 0600) before the script runs: path -> content."),
            create: str("Script run on create and, in place, whenever it, `files`, the environments or `triggers` change."),
            delete: str("Script run when the resource is deleted."),
            environment: strMap("Plain environment for the scripts."),
            secretEnvironment: strMap("Secret environment for the scripts.", true),
            triggers: { type: "array", items: any(""), description: "Values whose change re-runs `create`." },
            captureStdout: str("Keep stdout as an output: `plain`, `secret` or `none`."),
        },
        required: ["connection", "privateKey", "create"],
        outputs: { stdout: str("Stdout of the create script, when captured (secret when captured as `secret`).") },
    },
    "osk:secrets:Generated": {
        description: "A secret generated once and kept encrypted in state; a new `rotation` generates a new value.",
        inputs: {
            format: str("Shape of the value: `password`, `hex`, `bootstrapToken` or `base64Key`."),
            length: int("Length for `password` and `hex`; bytes for `base64Key`."),
            rotation: str("Change to generate a new value."),
        },
        required: ["format", "length", "rotation"],
        outputs: { value: str("The generated value.", true) },
    },
    "osk:secrets:ServingCertificate": {
        description: "A private CA and one serving certificate signed by it, issued once; the key is kept encrypted in state.",
        inputs: {
            commonName: str("Subject common name of the serving certificate."),
            dnsNames: strList("DNS subject alternative names."),
            ipAddresses: strList("IP subject alternative names."),
            validityDays: int("Validity of both certificates in days."),
            rotation: str("Change to issue a new CA, certificate and key."),
        },
        required: ["commonName", "dnsNames", "ipAddresses", "validityDays", "rotation"],
        outputs: {
            caPem: str("The CA certificate (PEM)."),
            certPem: str("The serving certificate (PEM)."),
            keyPem: str("The serving certificate's private key (PEM).", true),
            notAfter: str("End of validity (ISO 8601)."),
        },
    },
    "osk:k8s:ReadinessGate": {
        description: "Created once the named workloads of a cluster are ready, so what depends on it waits for them.",
        inputs: {
            kubeconfig: str("Kubeconfig of the cluster.", true),
            targets: { type: "array", items: ref("osk:k8s:GateTarget", ""), description: "Workloads that must be ready." },
            timeoutSeconds: int("Give up after this many seconds."),
        },
        required: ["kubeconfig", "targets", "timeoutSeconds"],
        outputs: {},
    },
    "osk:k8s:ClusterDrain": {
        description: "On delete, gives back a cluster's load balancers and volumes (deleting LoadBalancer Services and claims) and waits until they are gone.",
        inputs: {
            kubeconfig: str("Admin kubeconfig of the cluster.", true),
            allowVolumeDeletion: bool("Let the drain delete claims whose volumes go with them."),
            timeoutSeconds: int("How long to wait for the controllers to give everything back."),
        },
        required: ["kubeconfig", "allowVolumeDeletion", "timeoutSeconds"],
        outputs: {},
    },
};

const OBJECT_TYPES: Record<string, { description: string; properties: Record<string, Prop>; required: string[] }> = {
    "osk:remote:Connection": {
        description: "How to reach a host over SSH.",
        properties: {
            host: str("Address of the host."),
            port: int("SSH port (default 22)."),
            user: str("Login user."),
            jumpHost: ref("osk:remote:JumpHost", "Bastion the connection is tunnelled through."),
            connectTimeout: int("Seconds to wait for the TCP and SSH handshake (default 30)."),
        },
        required: ["host", "user"],
    },
    "osk:remote:JumpHost": {
        description: "A bastion host.",
        properties: { host: str("Address of the bastion."), port: int("SSH port (default 22)."), user: str("Login user.") },
        required: ["host", "user"],
    },
    "osk:k8s:GateTarget": {
        description: "A workload a readiness gate waits for.",
        properties: {
            kind: str("Workload kind: `StatefulSet`, `Deployment`, `DaemonSet` or `Job`."),
            namespace: str("Namespace."),
            name: str("Name."),
        },
        required: ["kind", "namespace", "name"],
    },
};

/** Names of the properties kept secret in a type's state, as the schema says. */
export function secretProperties(token: string): string[] {
    const spec = RESOURCE_SPECS[token];
    if (!spec) return [];
    return Object.entries({ ...spec.inputs, ...spec.outputs })
        .filter(([, p]) => p.secret)
        .map(([k]) => k);
}

/** Names of the inputs a type cannot do without. */
export function requiredInputs(token: string): string[] {
    return RESOURCE_SPECS[token]?.required ?? [];
}

/** Names of a type's inputs (what a refresh keeps as inputs). */
export function inputProperties(token: string): string[] {
    return Object.keys(RESOURCE_SPECS[token]?.inputs ?? {});
}

/** The package schema, as JSON. */
export function packageSchema(): string {
    const resources = Object.fromEntries(
        Object.entries(RESOURCE_SPECS).map(([token, s]) => [
            token,
            {
                description: s.description,
                inputProperties: s.inputs,
                requiredInputs: s.required,
                properties: { ...s.inputs, ...s.outputs },
                required: [...s.required, ...Object.keys(s.outputs).filter((k) => k !== "stdout")],
            },
        ]),
    );
    const types = Object.fromEntries(
        Object.entries(OBJECT_TYPES).map(([token, t]) => [token, { type: "object", description: t.description, properties: t.properties, required: t.required }]),
    );
    return JSON.stringify({
        name: "osk",
        displayName: "OSK",
        version: PROVIDER_VERSION,
        description: "OSK's own resources: remote steps, generated secrets, serving certificates, readiness gates, the destroy-time drain.",
        license: "Apache-2.0",
        resources,
        types,
        provider: { description: "The osk provider; it takes no configuration." },
    });
}
