// The osk provider plugin in the real engine. A stack of OSK's own resources is created by one build of the plugin;
// then a build whose implementation of a type changed (its read and delete, not its inputs) is installed in its
// place, as an upgrade of OSK does. The preview of the existing stack must show no change, and refresh and destroy
// must run the new build's code on the resources the old one created: nothing of the code lives in the state.
// And a stack the previous release created with dynamic providers, a remote step over real SSH included, moves onto
// the plugin without running the step again or changing any value; the plugin then runs its delete.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { typeOfUrn } from "../../components/plugin/plugin";
import { PROVIDER_VERSION } from "../../components/provider/resource";
import { createWorkspace, parsePreview, pulumiRun, pulumiSync, ROOT, type Workspace } from "../../tools/engine/workspace";
import { previousRelease } from "../helpers/previous";
import { startSshd, type Sshd } from "../helpers/sshd";

/** Builds the plugin from a source tree and installs it into the given PULUMI_HOME, replacing what was there. */
function buildAndInstall(src: string, out: string, ws: Workspace): void {
    const build = spawnSync("bash", [join(ROOT, "tools", "osk-provider", "build.sh"), src, out, ws.env.OSK_NODE!], { encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const install = pulumiSync(ws, ["plugin", "install", "resource", "osk", PROVIDER_VERSION, "--file", join(out, "pulumi-resource-osk"), "--reinstall"]);
    assert.equal(install.code, 0, install.stderr);
}

/** A remote step to include: where it runs, and the file its create and delete scripts append to. */
interface StepSpec {
    port: number;
    keyFile: string;
    runs: string;
}

/** A program of OSK's own resources, imported from the given source tree (rewritten in place on a second call). */
function project(dir: string, src: string, step?: StepSpec): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Pulumi.yaml"), "name: osk-provider-check\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "osk-provider-check", private: true, main: "index.ts" }));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { target: "ES2022" }, include: ["index.ts"] }));
    writeFileSync(
        join(dir, "index.ts"),
        [
            `import { GeneratedSecret } from "${join(src, "components/secrets/generated")}";`,
            `import { ServingCertificate } from "${join(src, "components/secrets/certificate")}";`,
            `import { ReadinessGate } from "${join(src, "components/k8s/readiness")}";`,
            ...(step
                ? [
                      `import { RemoteCommand } from "${join(src, "components/remote/command")}";`,
                      `import { readFileSync } from "fs";`,
                      `const step = new RemoteCommand("step", {`,
                      `    connection: { host: "127.0.0.1", port: ${step.port}, user: "root" },`,
                      `    privateKey: readFileSync(${JSON.stringify(step.keyFile)}, "utf8"),`,
                      `    secretEnvironment: { OSK_TOKEN: "t0ken-0f-the-step" },`,
                      `    create: 'echo create >> ${step.runs}; echo "$OSK_TOKEN"',`,
                      `    delete: "echo delete >> ${step.runs}",`,
                      `    captureStdout: "secret",`,
                      `});`,
                      `export const stepOutput = step.stdout;`,
                  ]
                : []),
            `const password = new GeneratedSecret("db-password", { length: 24 });`,
            `const cert = new ServingCertificate("webhook", { commonName: "webhook", dnsNames: ["webhook.kube-system.svc"] });`,
            // No targets: the gate is ready at once, without a cluster.
            `new ReadinessGate("nothing-to-wait-for", { kubeconfig: "unused", targets: [] });`,
            `export const passwordValue = password.value;`,
            `export const caPem = cert.caPem;`,
            "",
        ].join("\n"),
    );
    if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
}

interface StateResource {
    type: string;
    id?: string;
    urn: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

describe("the osk provider plugin in the engine: refresh and delete run the installed plugin's code", function () {
    this.timeout(10 * 60 * 1000);
    let base: string;
    let ws: Workspace;
    const trace = () => (existsSync(join(base, "trace.log")) ? readFileSync(join(base, "trace.log"), "utf8") : "");
    const state = () => JSON.parse(pulumiSync(ws, ["stack", "export", "--show-secrets"]).stdout) as { deployment: { resources: StateResource[] } };
    const generated = () => state().deployment.resources.find((r) => r.type === "osk:secrets:Generated")!;
    let created: StateResource;
    let createdCa: unknown;

    before(async () => {
        base = mkdtempSync(join(tmpdir(), "osk-provider-"));
        project(join(base, "program"), ROOT);
        ws = createWorkspace("check", {}, join(base, "program"), join(base, "engine"));
        // A PULUMI_HOME of its own: the builds installed here never touch the toolchain's.
        ws.env = { ...ws.env, PULUMI_HOME: join(base, "pulumi-home") };
        // The selected stack is kept in PULUMI_HOME: select it again in this one.
        assert.equal(pulumiSync(ws, ["stack", "select", "check", "--non-interactive"]).code, 0);
        buildAndInstall(ROOT, join(base, "osk-old"), ws);
        const up = await pulumiRun(ws, ["up", "--yes", "--non-interactive", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        created = generated();
        createdCa = state().deployment.resources.find((r) => r.type === "osk:secrets:ServingCertificate")!.outputs!.caPem;
    });

    after(() => {
        if (base) rmSync(base, { recursive: true, force: true });
    });

    it("keeps no code in the state, and the generated value encrypted", () => {
        const plain = pulumiSync(ws, ["stack", "export"]).stdout;
        assert.doesNotMatch(plain, /__provider/);
        // A revealed export holds a secret as its plaintext's JSON.
        const value = JSON.parse((created.outputs!.value as { plaintext: string }).plaintext) as string;
        assert.match(value, /^[A-Za-z0-9]{24}$/);
        assert.ok(!plain.includes(value), "the generated value is in plaintext in the state");
        const doc = JSON.parse(plain) as { deployment: { resources: StateResource[] } };
        assert.ok(doc.deployment.resources.some((r) => r.type === "pulumi:providers:osk"), "served by the osk provider");
    });

    it("serves a schema the engine validates, naming every type", () => {
        const schema = pulumiSync(ws, ["package", "get-schema", "osk"]);
        assert.equal(schema.code, 0, schema.stderr);
        writeFileSync(join(base, "schema.json"), schema.stdout);
        const check = pulumiSync(ws, ["schema", "check", join(base, "schema.json")]);
        assert.equal(check.code, 0, check.stdout + check.stderr);
        assert.deepEqual(Object.keys((JSON.parse(schema.stdout) as { resources: object }).resources).sort(), [
            "osk:k8s:ClusterDrain",
            "osk:k8s:ReadinessGate",
            "osk:remote:Command",
            "osk:secrets:Generated",
            "osk:secrets:ServingCertificate",
        ]);
    });

    it("after an upgrade that changes how a type reads and deletes, previews the existing stack as unchanged", async () => {
        // The new build: the same sources, but the generated secret's read and delete now leave a trace.
        const src = join(base, "src-new");
        for (const entry of ["components", "tools", "package.json", "package-lock.json", "tsconfig.json"]) cpSync(join(ROOT, entry), join(src, entry), { recursive: true });
        symlinkSync(join(ROOT, "node_modules"), join(src, "node_modules"));
        const file = join(src, "components", "secrets", "generated.ts");
        const before = readFileSync(file, "utf8");
        const log = JSON.stringify(join(base, "trace.log"));
        const after = before.replace(
            'token: "osk:secrets:Generated",',
            `token: "osk:secrets:Generated",
    async read(id, props) { require("fs").appendFileSync(${log}, "read " + id + "\\n"); return { id, props }; },
    async delete(id) { require("fs").appendFileSync(${log}, "delete " + id + "\\n"); },`,
        );
        assert.notEqual(after, before, "the patch applies");
        writeFileSync(file, after);
        buildAndInstall(src, join(base, "osk-new"), ws);

        const out = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive"]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.equal(trace(), "", "a preview reads nothing");
    });

    it("refresh runs the new build's read on the resource the old build created, and changes nothing", async () => {
        const out = await pulumiRun(ws, ["refresh", "--yes", "--skip-preview", "--non-interactive", "--expect-no-changes"]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.equal(trace(), `read ${created.id}\n`);
        assert.deepEqual(generated().outputs!.value, created.outputs!.value, "the value is kept");
        assert.equal(state().deployment.resources.find((r) => r.type === "osk:secrets:ServingCertificate")!.outputs!.caPem, createdCa, "the certificate is kept");
    });

    it("destroy runs the new build's delete on it", async () => {
        const out = await pulumiRun(ws, ["destroy", "--yes", "--skip-preview", "--non-interactive"]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.equal(trace(), `read ${created.id}\ndelete ${created.id}\n`);
    });
});

describe("the osk provider plugin in the engine: a stack of the previous release's dynamic resources moves onto it", function () {
    this.timeout(10 * 60 * 1000);
    let base: string;
    let sshd: Sshd;
    let ws: Workspace;
    let step: StepSpec;
    let created: Map<string, StateResource>;
    const runs = () => (existsSync(step.runs) ? readFileSync(step.runs, "utf8") : "");
    const resources = () => (JSON.parse(pulumiSync(ws, ["stack", "export", "--show-secrets"]).stdout) as { deployment: { resources: StateResource[] } }).deployment.resources;

    before(async () => {
        base = mkdtempSync(join(tmpdir(), "osk-provider-move-"));
        sshd = await startSshd();
        writeFileSync(join(base, "client_key"), sshd.key, { mode: 0o600 });
        step = { port: sshd.port, keyFile: join(base, "client_key"), runs: join(base, "runs.log") };
        const previous = previousRelease(join(base, "previous"));
        project(join(base, "program"), previous, step);
        ws = createWorkspace("move", {}, join(base, "program"), join(base, "engine"));
        const up = await pulumiRun(ws, ["up", "--yes", "--non-interactive", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(runs(), "create\n");
        created = new Map(resources().map((r) => [r.urn.replace(/pulumi-nodejs:dynamic\/(remote|secrets|k8s):/, "osk:$1:"), r]));
        assert.ok([...created.values()].some((r) => r.type === "pulumi-nodejs:dynamic/remote:Command"), "the previous release made dynamic resources");
        // The upgrade: the same program on this release's classes.
        project(join(base, "program"), ROOT, step);
    });

    after(() => {
        sshd?.stop();
        if (base) rmSync(base, { recursive: true, force: true });
    });

    it("plans only in-place updates of OSK's resources and the new provider", async () => {
        const out = await pulumiRun(ws, ["preview", "--json", "--non-interactive"]);
        assert.equal(out.code, 0, out.stderr);
        const steps = parsePreview(out.stdout).steps.filter((s) => s.op !== "same");
        const allowed = (s: { op: string; urn: string; type?: string }) =>
            (s.op === "update" && /^osk:(remote|secrets|k8s):/.test(typeOfUrn(s.urn))) || (s.type?.startsWith("pulumi:providers:") && ["create", "delete"].includes(s.op));
        assert.deepEqual(steps.filter((s) => !allowed(s)).map((s) => `${s.op} ${s.urn}`), []);
        assert.equal(steps.filter((s) => s.op === "update").length, 4);
    });

    it("moves without running the step again, and every value stays: ids, the generated secret, the certificate, the step's output", async () => {
        const up = await pulumiRun(ws, ["up", "--yes", "--non-interactive", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(runs(), "create\n", "the remote step ran again");
        const after = new Map(resources().map((r) => [r.urn, r]));
        for (const [urn, old] of created) {
            if (!/::osk:/.test(urn)) continue;
            const now = after.get(urn)!;
            assert.ok(now, urn);
            assert.equal(now.id, old.id, urn);
            const { __provider: _code, ...outputs } = old.outputs ?? {};
            assert.ok(_code, "the previous release stored its provider code");
            assert.deepEqual(now.outputs, outputs, urn);
        }
        assert.doesNotMatch(pulumiSync(ws, ["stack", "export"]).stdout, /__provider|t0ken-0f-the-step/);
        const out = await pulumiRun(ws, ["preview", "--expect-no-changes", "--non-interactive"]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
    });

    it("runs the step's delete script through the plugin on destroy", async () => {
        const out = await pulumiRun(ws, ["destroy", "--yes", "--non-interactive"]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.equal(runs(), "create\ndelete\n");
    });
});
