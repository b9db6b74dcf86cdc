// OSK's OpenStack provider against the SDK that talks to it: every token and every input property OSK's program
// sends (the real program under mocks, for every committed stack) exists in the schema of the plugin
// tools/toolchain.sh built, with a compatible type; and the drift between @pulumi/openstack 3.15.2 and the
// Terraform provider it now bridges is listed, with the properties upstream removed never used.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { deriveExceptions, readTokenTable, sdkTokens, SDK_DIR, servedTokens, terraformNames } from "../../tools/openstack-provider/token-rule";
import { terraformProviderGo } from "../../tools/openstack-provider/derive-tokens";
import { createWorkspace, engineEnv, parsePreview, pulumiRun, ROOT } from "../../tools/engine/workspace";
import { runStack, type Registered } from "../helpers/mockRun";

const STACKS = ["dev", "prod", "lab"];
const PROVIDER_TYPE = "pulumi:providers:openstack";

interface TypeSpec {
    type?: string;
    $ref?: string;
    items?: TypeSpec;
    additionalProperties?: TypeSpec;
    properties?: Record<string, TypeSpec>;
    required?: string[];
}
interface ProviderSchema {
    name: string;
    version: string;
    provider: { inputProperties: Record<string, TypeSpec>; requiredInputs?: string[] };
    resources: Record<string, { inputProperties?: Record<string, TypeSpec>; requiredInputs?: string[] }>;
    functions: Record<string, unknown>;
    types: Record<string, TypeSpec>;
}

function loadSchema(): ProviderSchema {
    return JSON.parse(readFileSync(engineEnv().OSK_OPENSTACK_SCHEMA, "utf8")) as ProviderSchema;
}

/** Where `value` does not fit `spec`, one line per problem; empty when it conforms. */
export function nonConformance(value: unknown, spec: TypeSpec, schema: ProviderSchema, path: string): string[] {
    if (value === undefined || value === null) return [];
    if (spec.$ref) {
        if (spec.$ref.startsWith("pulumi.json#/")) return [];
        const ref = schema.types[decodeURIComponent(spec.$ref.replace(/^#\/types\//, ""))];
        if (!ref) return [`${path}: the schema has no type ${spec.$ref}`];
        return nonConformance(value, ref, schema, path);
    }
    const got = Array.isArray(value) ? "array" : typeof value;
    switch (spec.type) {
        case "string":
            return typeof value === "string" ? [] : [`${path}: ${got}, the provider takes a string`];
        case "integer":
            return Number.isInteger(value) ? [] : [`${path}: ${JSON.stringify(value)}, the provider takes an integer`];
        case "number":
            return typeof value === "number" ? [] : [`${path}: ${got}, the provider takes a number`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${path}: ${got}, the provider takes a boolean`];
        case "array":
            if (!Array.isArray(value)) return [`${path}: ${got}, the provider takes a list`];
            return value.flatMap((v, i) => nonConformance(v, spec.items ?? {}, schema, `${path}[${i}]`));
        case "object": {
            if (got !== "object") return [`${path}: ${got}, the provider takes an object`];
            const entries = Object.entries(value as Record<string, unknown>);
            if (spec.properties) {
                return entries.flatMap(([k, v]) => (spec.properties![k] ? nonConformance(v, spec.properties![k], schema, `${path}.${k}`) : [`${path}.${k}: no such property in the provider`]));
            }
            return entries.flatMap(([k, v]) => nonConformance(v, spec.additionalProperties ?? {}, schema, `${path}.${k}`));
        }
        default:
            return [];
    }
}

/**
 * A provider's configuration reaches its plugin with every non-string value JSON-encoded in a string (the SDK sends
 * provider inputs the way stack config is written), and the plugin decodes it against its schema. So `maxRetries: 5`
 * arrives as "5"; the check decodes it first, and a string that does not decode stays a string (and is reported).
 */
export function providerConfigValue(type: string, value: unknown, spec: TypeSpec): unknown {
    if (type !== PROVIDER_TYPE || typeof value !== "string" || spec.type === "string" || spec.$ref) return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** The inputs the program set on an OpenStack resource, as the provider sees them. */
function inputsOf(r: Registered): Record<string, unknown> {
    return Object.fromEntries(Object.entries(r.inputs).filter(([, v]) => v !== undefined));
}

/** Property names of `XxxArgs` (resources) in the SDK's type declarations, keyed by resource token. */
function sdkArgs(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const token of sdkTokens().resources) {
        const [, path] = token.split(":");
        const [module, file] = path.split("/");
        const name = token.split(":")[2];
        let dts: string;
        try {
            dts = readFileSync(join(SDK_DIR, module === "index" ? "" : module, `${file}.d.ts`), "utf8");
        } catch {
            continue;
        }
        const body = new RegExp(`export interface ${name}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? "";
        out.set(token, [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]));
    }
    return out;
}

describe("OSK's OpenStack provider serves what @pulumi/openstack sends (built plugin's schema)", () => {
    let schema: ProviderSchema;
    const used = { resources: [] as Registered[], functions: new Set<string>() };

    before(async function () {
        // Programs under mocks, several stacks: minutes on a loaded machine (the lab parts run beside this tier).
        this.timeout(600_000);
        schema = loadSchema();
        for (const stack of STACKS) {
            const run = await runStack(stack);
            used.resources.push(...run.resources.filter((r) => r.type.startsWith("openstack:") || r.type === PROVIDER_TYPE));
            for (const t of run.invokes) if (t.startsWith("openstack:")) used.functions.add(t);
        }
    });

    it("is the plugin the SDK asks for, installed where the engine looks: openstack at the SDK's version", () => {
        assert.equal(schema.name, "openstack");
        const env = engineEnv();
        const built = join(dirname(env.OSK_OPENSTACK_SCHEMA), "pulumi-resource-openstack");
        const version = execFileSync(built, ["-version"], { encoding: "utf8" }).trim();
        assert.equal(version, sdkTokens().version);
        const installed = join(env.PULUMI_HOME, "plugins", `resource-openstack-v${version}`, "pulumi-resource-openstack");
        assert.ok(readFileSync(installed).equals(readFileSync(built)), `${installed} is not the plugin tools/toolchain.sh built`);
    });

    it("the program exercises the tenant infrastructure (prod): network, rules, server groups, instances, load balancer", () => {
        const types = new Set(used.resources.map((r) => r.type));
        for (const t of ["openstack:networking/network:Network", "openstack:networking/secGroupRule:SecGroupRule", "openstack:compute/serverGroup:ServerGroup", "openstack:compute/instance:Instance", "openstack:loadbalancer/loadBalancer:LoadBalancer", PROVIDER_TYPE]) {
            assert.ok(types.has(t), `no ${t} in the mocks runs of ${STACKS.join(", ")}`);
        }
        assert.ok(used.functions.has("openstack:networking/getNetwork:getNetwork"));
    });

    it("serves every resource and function token OSK uses", () => {
        const sdk = sdkTokens();
        const missing: string[] = [];
        for (const t of new Set(used.resources.map((r) => r.type).filter((t) => t !== PROVIDER_TYPE))) {
            assert.ok(sdk.resources.includes(t), `${t} is not even an SDK token`);
            if (!schema.resources[t]) missing.push(t);
        }
        for (const t of used.functions) if (!schema.functions[t]) missing.push(t);
        assert.deepEqual(missing, [], "tokens OSK sends that the provider does not serve");
    });

    it("serves exactly the tokens of the rule and tokens.json, one per Terraform name; the table is what the SDK derives", () => {
        const table = readTokenTable();
        const tf = terraformNames(terraformProviderGo());
        const resources = servedTokens("resource", tf.resources, table);
        const functions = servedTokens("function", tf.dataSources, table);
        assert.deepEqual(Object.keys(schema.resources).sort(), [...resources.keys()].sort());
        // The bridge adds one method of its own to the provider resource.
        assert.deepEqual(Object.keys(schema.functions).filter((t) => !t.startsWith("pulumi:providers:")).sort(), [...functions.keys()].sort());
        const sdk = sdkTokens();
        const keep = (names: string[]) => names.filter((n) => !(n in table.ignored));
        assert.deepEqual(deriveExceptions("resource", keep(tf.resources), sdk.resources, table.modules).exceptions, table.resources);
        assert.deepEqual(deriveExceptions("function", keep(tf.dataSources), sdk.functions, table.modules).exceptions, table.functions);
    });

    it("lists the SDK tokens no Terraform resource serves any more (none of them used by OSK)", () => {
        const sdk = sdkTokens();
        const gone = [...sdk.resources.filter((t) => !schema.resources[t]), ...sdk.functions.filter((t) => !schema.functions[t])];
        console.log(`      SDK tokens served by no Terraform resource or data source of the provider (${gone.length}):\n        ${gone.join("\n        ")}`);
        // The compute-network resources Nova dropped, and the LBaaS v1 and FWaaS v1 APIs, are among them.
        for (const t of ["openstack:compute/secGroup:SecGroup", "openstack:compute/floatingIp:FloatingIp", "openstack:loadbalancer/poolV1:PoolV1"]) assert.ok(gone.includes(t), t);
        const usedGone = gone.filter((t) => used.resources.some((r) => r.type === t) || used.functions.has(t));
        assert.deepEqual(usedGone, []);
    });

    it("every input OSK sets exists in the provider's schema with a compatible type", () => {
        const problems: string[] = [];
        for (const r of used.resources) {
            const spec = r.type === PROVIDER_TYPE ? schema.provider : schema.resources[r.type];
            if (!spec) continue; // reported by the token test
            const props = spec.inputProperties ?? {};
            for (const [key, value] of Object.entries(inputsOf(r))) {
                // The engine's own provider inputs, not the plugin's.
                if (r.type === PROVIDER_TYPE && ["version", "pluginDownloadURL"].includes(key)) continue;
                if (!props[key]) problems.push(`${r.type} ${r.name}: ${key} is not an input of the provider`);
                else problems.push(...nonConformance(providerConfigValue(r.type, value, props[key]), props[key], schema, `${r.type} ${r.name}: ${key}`));
            }
            for (const key of spec.requiredInputs ?? []) {
                if (inputsOf(r)[key] === undefined) problems.push(`${r.type} ${r.name}: the provider requires ${key}, which OSK does not set`);
            }
        }
        assert.deepEqual(problems, []);
    });

    it("properties the Terraform provider removed since the SDK was generated are gone from the schema and never used", () => {
        const removed: [string, string][] = [
            ["openstack:networking/router:Router", "externalGateway"],
            ["openstack:networking/subnet:Subnet", "hostRoutes"],
            ["openstack:networking/subnet:Subnet", "allocationPoolsCollection"],
            ["openstack:compute/instance:Instance", "floatingIp"],
            ["openstack:compute/instance:Instance", "volumes"],
            ["openstack:compute/instance:Instance", "accessIpV4"],
            ["openstack:compute/instance:Instance", "accessIpV6"],
            [PROVIDER_TYPE, "useOctavia"],
        ];
        const args = sdkArgs();
        for (const [type, key] of removed) {
            const props = type === PROVIDER_TYPE ? schema.provider.inputProperties : schema.resources[type].inputProperties ?? {};
            assert.ok(!(key in props), `${type}.${key} is an input again: drop it from this list`);
            if (type !== PROVIDER_TYPE) assert.ok(args.get(type)?.includes(key), `the SDK has no ${type}.${key}`);
            const users = used.resources.filter((r) => r.type === type && inputsOf(r)[key] !== undefined).map((r) => r.name);
            assert.deepEqual(users, [], `${type}.${key} is set by ${users.join(", ")}`);
        }
        // Nested: a floating IP per instance network.
        const networkType = schema.types["openstack:compute/InstanceNetwork:InstanceNetwork"];
        assert.ok(networkType && !("floatingIp" in (networkType.properties ?? {})));
        for (const r of used.resources.filter((x) => x.type === "openstack:compute/instance:Instance")) {
            for (const n of (r.inputs.networks ?? []) as Record<string, unknown>[]) assert.equal(n.floatingIp, undefined, r.name);
        }
    });

    it("lists every SDK input property the provider no longer takes (the drift a program must avoid)", () => {
        const drift: string[] = [];
        for (const [token, props] of sdkArgs()) {
            const inputs = schema.resources[token]?.inputProperties;
            if (!inputs) continue;
            const gone = props.filter((p) => !(p in inputs));
            if (gone.length > 0) drift.push(`${token}: ${gone.join(", ")}`);
        }
        console.log(`      SDK inputs the provider no longer takes (${drift.length} resources):\n        ${drift.join("\n        ")}`);
        assert.ok(drift.some((d) => d.startsWith("openstack:networking/router:Router:") && d.includes("externalGateway")));
    });

    it("keeps ServerGroup.policies a list, as the SDK sends it", () => {
        const policies = schema.resources["openstack:compute/serverGroup:ServerGroup"].inputProperties!.policies;
        assert.equal(policies.type, "array");
        for (const r of used.resources.filter((x) => x.type === "openstack:compute/serverGroup:ServerGroup")) assert.ok(Array.isArray(r.inputs.policies), r.name);
    });

    it("names the SDK leaves optional are optional in the provider (auto-named)", () => {
        for (const t of ["openstack:networking/secGroup:SecGroup", "openstack:compute/serverGroup:ServerGroup", "openstack:compute/keypair:Keypair", "openstack:compute/instance:Instance", "openstack:identity/applicationCredential:ApplicationCredential"]) {
            assert.ok(schema.resources[t].inputProperties?.name, `${t} has no name input`);
            assert.ok(!(schema.resources[t].requiredInputs ?? []).includes("name"), `${t} requires name`);
        }
    });
});

/**
 * A throwaway project that registers the given OpenStack resources, unchanged, through one provider whose
 * configuration is known (a loopback endpoint nothing listens on: the provider authenticates only when it calls
 * the cloud, which a preview of new resources never does).
 */
function replayProject(resources: Registered[]): string {
    const dir = mkdtempSync(join(tmpdir(), "osk-openstack-check-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: osk-openstack-check\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "osk-openstack-check", private: true, main: "index.js" }));
    writeFileSync(
        join(dir, "resources.json"),
        JSON.stringify({
            provider: { authUrl: "http://127.0.0.1:9/v3", region: "RegionOne", applicationCredentialId: "check", applicationCredentialSecret: "check" },
            resources: resources.map((r) => ({ type: r.type, name: r.name, inputs: inputsOf(r) })),
        }),
    );
    writeFileSync(
        join(dir, "index.js"),
        [
            'const pulumi = require("@pulumi/pulumi");',
            'const spec = JSON.parse(require("fs").readFileSync(require("path").join(__dirname, "resources.json"), "utf8"));',
            'const provider = new pulumi.ProviderResource("openstack", "check", spec.provider, { version: "3.15.2" });',
            "for (const r of spec.resources) new pulumi.CustomResource(r.type, r.name, r.inputs, { provider, version: \"3.15.2\" });",
            "",
        ].join("\n"),
    );
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    return dir;
}

// In a preview of a fresh stack the tenant's provider is configured with the application credential Keystone has not
// issued yet, so the engine skips the provider's Check of every OpenStack resource (it checks nothing with unknown
// configuration). Here the same resources go through the provider's Check with its configuration known.
describe("the built OpenStack provider's own Check accepts every OpenStack resource of the prod stack (real engine, offline)", () => {
    let prod: Registered[];
    before(async function () {
        // Programs under mocks, several stacks: minutes on a loaded machine (the lab parts run beside this tier).
        this.timeout(600_000);
        prod = (await runStack("prod")).resources.filter((r) => r.type.startsWith("openstack:"));
    });

    async function previewReplay(resources: Registered[]) {
        const dir = replayProject(resources);
        const ws = createWorkspace("check", {}, dir);
        try {
            const out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", "check"]);
            return { out, summary: out.stdout.trim().startsWith("{") ? parsePreview(out.stdout) : undefined };
        } finally {
            ws.dispose();
            rmSync(dir, { recursive: true, force: true });
        }
    }

    it("plans every one of them, with no diagnostic", async () => {
        assert.ok(prod.length > 30, `only ${prod.length} OpenStack resources in prod`);
        const { out, summary } = await previewReplay(prod);
        assert.equal(out.code, 0, `${out.stderr}\n${out.stdout.slice(0, 6000)}`);
        assert.deepEqual(summary!.diagnostics.filter((d) => d.severity !== "info" && d.severity !== "debug"), []);
        const planned = new Set(summary!.steps.filter((s) => s.op === "create").map((s) => s.urn.split("::").pop()));
        assert.deepEqual(prod.map((r) => r.name).filter((n) => !planned.has(n)), []);
    });

    it("refuses an input upstream removed, naming it (so the check above is real)", async () => {
        const router = prod.find((r) => r.type === "openstack:networking/router:Router")!;
        const broken = { ...router, inputs: { ...router.inputs, externalGateway: "public-id" } };
        const { out, summary } = await previewReplay([broken]);
        assert.notEqual(out.code, 0);
        const text = (summary?.diagnostics ?? []).map((d) => d.message).join("\n") + out.stderr;
        assert.match(text, /externalGateway/);
    });
});
