// The fleet in the lab: four small sites (fleets/lab), each its own kwok cluster, their state on a real S3 object
// store, run by `./osk fleet` through the Automation API. Proves the shared backend (state in the bucket, the lock
// refusing a second run, a killed run's lock cleared by `pulumi cancel`), one shared change landing everywhere, and
// the output contract from a consumer's side (examples/site-consumer reading a site through a StackReference).
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { recordedReleases } from "../../tools/engine/recover";
import { createWorkspace, pulumiRun, pulumiSync, ROOT, type Workspace } from "../../tools/engine/workspace";
import type { SiteResult } from "../../tools/fleet/plan";
import { FLEET_LAB, fleetEnv, fleetProject, fleetSites, runFleet, siteKubeconfig, siteWorkspace, startFleetLab, stopFleetLab } from "../../tools/lab/fleet";
import { binDir } from "../../tools/lab/lab";
import { processTree } from "../helpers/processes";

/** The bucket's keys under a prefix, as the S3 API lists them. */
const keys = (prefix: string) => {
    const r = spawnSync("bash", [join(ROOT, "tools", "lab", "state", "state.sh"), "ls", join(FLEET_LAB, "state"), prefix], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`listing the bucket: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
};
const locks = (site: string) => keys(`.pulumi/locks/organization/osk/${site}/`).filter((k) => k.endsWith(".json"));
const tool = (name: string, site: string, args: string[]) => {
    const r = spawnSync(join(binDir(), name), ["--kubeconfig", siteKubeconfig(site), ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name} ${args.join(" ")} on ${site}: ${r.stderr}`);
    return r.stdout;
};
const helmReleases = (site: string) => (JSON.parse(tool("helm", site, ["list", "-A", "-o", "json"])) as { name: string; namespace: string; chart: string }[]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (l: string) => console.log(`      ${l}`);

/** `./osk fleet ...` on the lab fleet, its results read from the JSON it writes. */
async function fleet(args: string[]): Promise<{ code: number; stdout: string; results: SiteResult[]; ms: number }> {
    const json = join(mkdtempSync(join(tmpdir(), "osk-fleet-")), "results.json");
    const out = await runFleet([...args, "--json", json], (l) => /^\[fleet\]|FAILED| ok in /.test(l) && log(l));
    const results = existsSync(json) ? (JSON.parse(readFileSync(json, "utf8")) as { results: SiteResult[] }).results : [];
    return { code: out.code, stdout: out.stdout, results, ms: out.ms };
}

async function waitFor(what: string, cond: () => boolean, seconds: number): Promise<void> {
    for (let i = 0; i < seconds * 10; i++) {
        if (cond()) return;
        await sleep(100);
    }
    throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

describe("lab: a fleet of sites on a shared object-store backend", function () {
    let sites: string[];

    before(function () {
        sites = fleetSites();
        const t0 = Date.now();
        startFleetLab();
        log(`fleet lab up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${sites.length} site clusters, the S3 store, the chart repository`);
    });

    after(function () {
        stopFleetLab();
    });

    it("converges every site in parallel from one command, each stack's state in the bucket", async () => {
        assert.ok(sites.length >= 4, `the lab fleet has ${sites.length} sites`);
        const run = await fleet(["up", "--parallel", String(sites.length)]);
        log(`fleet up of ${sites.length} sites: ${(run.ms / 1000).toFixed(1)} s`);
        assert.equal(run.code, 0, run.stdout);
        assert.deepEqual(run.results.map((r) => [r.site, r.ok]), sites.map((s) => [s, true]));
        assert.match(run.stdout, /fleet up: 4 of 4 sites ok/);
        for (const site of sites) {
            // The checkpoint is an object in the bucket, and the export read back from the store names exactly the
            // releases Helm has in that site's cluster.
            assert.ok(keys(".pulumi/stacks/osk/").includes(`.pulumi/stacks/osk/${site}.json`), `${site}'s checkpoint is in the bucket`);
            const exported = pulumiSync(siteWorkspace(site), ["stack", "export", "--stack", site]);
            assert.equal(exported.code, 0, exported.stderr);
            const releases = helmReleases(site).map((r) => `${r.namespace}/${r.name}`).sort();
            assert.ok(releases.length >= 8, `${site}: ${releases.join(", ")}`);
            assert.deepEqual([...recordedReleases(exported.stdout)].sort(), releases, site);
            assert.deepEqual(locks(site), [], `${site} holds no lock after its run`);
        }
    });

    it("a pin bumped once in the shared layer upgrades that release alone on every site, and reverting it rolls back", async () => {
        // The chart upgrade and rollback by the pin (docs/upgrades.md), on the whole fleet at once. On one site the
        // Helm history, the hooks and the other releases are checked as a single site's operator would.
        const common = join(fleetProject(), "fleets", "lab", "common.yaml");
        const pin = (from: string, to: string) => {
            writeFileSync(common, readFileSync(common, "utf8").replace(new RegExp(`^( {6}glance:) ${from.replace(/\./g, "\\.")}$`, "m"), `$1 ${to}`));
            assert.match(readFileSync(common, "utf8"), new RegExp(`glance: ${to.replace(/\./g, "\\.")}`));
        };
        const site = sites[0];
        type Revision = { revision: number; chart: string; status: string };
        const history = (release: string) => JSON.parse(tool("helm", site, ["history", release, "-n", "openstack", "-o", "json"])) as Revision[];
        const revisions = () => Object.fromEntries(helmReleases(site).map((r) => [r.name, history(r.name).at(-1)!.revision]));
        const protectedOnes = () =>
            (JSON.parse(pulumiSync(siteWorkspace(site), ["stack", "export", "--stack", site]).stdout) as { deployment: { resources: { type: string; urn: string; protect?: boolean }[] } }).deployment.resources
                .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.protect)
                .map((r) => r.urn);
        const labelOf = (kind: string, name: string) => (JSON.parse(tool("kubectl", site, ["get", kind, name, "-n", "openstack", "-o", "json"])) as { metadata: { labels: Record<string, string>; creationTimestamp: string } }).metadata;
        const before = revisions();
        const guarded = protectedOnes();
        const GLANCE = ["update kubernetes:helm.sh/v3:Release openstack-glance-release"];

        pin("2026.1.0-lab.1", "2026.1.0-lab.2");
        const preview = await fleet(["preview"]);
        assert.equal(preview.code, 0, preview.stdout);
        for (const r of preview.results) assert.deepEqual([r.steps, r.changes.update], [GLANCE, 1], `${r.site} plans exactly the glance release`);
        log(`fleet preview: ${(preview.ms / 1000).toFixed(1)} s\n${preview.stdout.split("\n").slice(0, sites.length + 2).join("\n")}`);

        for (const [version, step] of [["2026.1.0-lab.2", "upgrade"], ["2026.1.0-lab.1", "rollback"]] as const) {
            if (step === "rollback") pin("2026.1.0-lab.2", version);
            const started = Date.now();
            const up = await fleet(["up", "--parallel", String(sites.length)]);
            assert.equal(up.code, 0, up.stdout);
            for (const r of up.results) assert.deepEqual([r.steps, r.changes.update], [GLANCE, 1], `${step} on ${r.site}: the glance release alone`);
            for (const s of sites) assert.equal(helmReleases(s).find((r) => r.name === "glance")?.chart, `glance-${version}`, `${step} on ${s}`);
            const last = history("glance").at(-1)!;
            assert.deepEqual([last.revision, last.chart, last.status], [before.glance + (step === "upgrade" ? 1 : 2), `glance-${version}`, "deployed"], `${step}: Helm's history`);
            // Its post-upgrade hooks ran again: the migration Job is a new one, under the new chart's label.
            const job = labelOf("job", "glance-db-sync");
            assert.ok(Date.parse(job.creationTimestamp) >= started - 1000, `${step}: glance-db-sync ran again`);
            assert.equal(job.labels["helm.sh/chart"], `glance-${version}`);
            assert.equal(labelOf("deployment", "glance-api").labels["helm.sh/chart"], `glance-${version}`);
            const others = { ...revisions(), glance: before.glance };
            assert.deepEqual(others, before, `${step}: no other release touched`);
            assert.deepEqual(protectedOnes(), guarded, "the releases that were protected still are");
        }
        // The next test's `preview --expect-no-changes` of this site shows the rollback fully landed.
    });

    it("refuses a second up of a stack while one runs, lets the other sites finish, and loses nothing", async () => {
        const [busy, other] = sites;
        const ws = siteWorkspace(busy);
        // The first run refreshes too, so it holds the lock long enough for the second to meet it.
        const first = pulumiRun(ws, ["up", "--yes", "--non-interactive", "--refresh", "--stack", busy]);
        await waitFor(`${busy}'s lock in the bucket`, () => locks(busy).length === 1, 60);
        const second = await fleet(["up", busy, other]);
        assert.equal(second.code, 1, "the fleet fails when a site fails");
        const refused = second.results.find((r) => r.site === busy)!;
        assert.equal(refused.ok, false);
        assert.match(refused.error ?? "", /the stack is currently locked by 1 lock\(s\)/);
        assert.match(second.stdout, new RegExp(`${busy}\\s+FAILED`));
        assert.equal(second.results.find((r) => r.site === other)?.ok, true, "the other site ran to its end");
        const done = await first;
        assert.equal(done.code, 0, done.stdout + done.stderr);
        assert.deepEqual([locks(busy), locks(other)], [[], []], "no lock left behind");
        const check = pulumiSync(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", busy]);
        assert.equal(check.code, 0, `nothing was lost: ${check.stdout}`);
    });

    it("a killed run leaves its lock; pulumi cancel clears it and the next up converges", async () => {
        const site = sites[2];
        const ws = siteWorkspace(site);
        const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--refresh", "--stack", site], { cwd: ws.dir, env: ws.env, detached: true, stdio: "ignore" });
        await waitFor(`${site}'s lock`, () => locks(site).length === 1, 60);
        // The whole tree, as a machine losing the runner would: the engine starts its language host and plugins in
        // process groups of their own, which a kill of the engine's group alone leaves running.
        for (const pid of processTree(child.pid!)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
        await new Promise((r) => child.on("close", r));
        await sleep(1000);
        assert.equal(locks(site).length, 1, "the killed run's lock stays in the bucket");

        const refused = await fleet(["up", site]);
        assert.equal(refused.code, 1);
        assert.match(refused.results[0].error ?? "", /currently locked by 1 lock\(s\).*pulumi cancel/);

        const cancel = pulumiSync(ws, ["cancel", "--yes", "--stack", site]);
        assert.equal(cancel.code, 0, cancel.stderr);
        assert.deepEqual(locks(site), []);
        const rerun = await fleet(["up", site]);
        assert.equal(rerun.code, 0, rerun.stdout);
        const check = pulumiSync(ws, ["preview", "--expect-no-changes", "--non-interactive", "--stack", site]);
        assert.equal(check.code, 0, check.stdout);
    });

    it("another team's program reads a site's outputs from the shared backend and deploys into that site", async () => {
        const site = sites[0];
        // What opens the site's secrets through the reference: with the passphrase provider, the site's passphrase
        // (with a KMS, the consumer's runner would need decrypt access to the site's key instead).
        const base = mkdtempSync(join(tmpdir(), "osk-consumer-"));
        copyFileSync(fleetEnv().PULUMI_CONFIG_PASSPHRASE_FILE!, join(base, "passphrase"));
        const consumer: Workspace = createWorkspace("team-apps", {}, join(ROOT, "examples", "site-consumer"), base, "site-consumer");
        try {
            const env = fleetEnv();
            consumer.env = { ...consumer.env, PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL, AWS_SHARED_CREDENTIALS_FILE: env.AWS_SHARED_CREDENTIALS_FILE };
            const sel = pulumiSync(consumer, ["stack", "select", "--create", "team-apps", "--secrets-provider", "passphrase", "--non-interactive"]);
            assert.equal(sel.code, 0, sel.stderr);
            pulumiSync(consumer, ["config", "set", "site-consumer:site", `organization/osk/${site}`, "--stack", "team-apps"]);
            const up = await pulumiRun(consumer, ["up", "--yes", "--non-interactive", "--stack", "team-apps"]);
            assert.equal(up.code, 0, up.stdout + up.stderr);

            const siteOut = JSON.parse(pulumiSync(siteWorkspace(site), ["stack", "output", "--json", "--stack", site]).stdout) as Record<string, unknown>;
            const out = JSON.parse(pulumiSync(consumer, ["stack", "output", "--json", "--stack", "team-apps"]).stdout) as Record<string, unknown>;
            assert.equal(out.consumedSite, site);
            assert.equal(out.consumedKeystone, siteOut.keystonePublicUrl);
            assert.equal(out.defaultStorageClass, "", "a site without a tenant has no tenant StorageClasses");
            const facts = JSON.parse(tool("kubectl", site, ["get", "configmap", "-n", "team-apps", "osk-site", "-o", "json"])) as { data: Record<string, string> };
            assert.equal(facts.data.keystone, siteOut.keystonePublicUrl);
            assert.equal(facts.data.apiEndpoint, siteOut.apiEndpoint);
            assert.equal(facts.data.region, siteOut.region);
            assert.equal(facts.data.storageClasses, "[]");
            assert.doesNotMatch(JSON.stringify(facts.data), /password/i, "the clouds.yaml is not in the ConfigMap");
            const clouds = JSON.parse(tool("kubectl", site, ["get", "secret", "-n", "team-apps", "osk-clouds", "-o", "json"])) as { data: Record<string, string> };
            assert.match(Buffer.from(clouds.data["clouds.yaml"], "base64").toString(), new RegExp(`${site}-admin`));

            const destroy = await pulumiRun(consumer, ["destroy", "--yes", "--non-interactive", "--stack", "team-apps"]);
            assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        } finally {
            consumer.dispose();
        }
    });
});

describe("lab: Kubernetes API clusters started side by side on one machine", function () {
    // Lab parts run beside one another (the kwok part and this one both start kwok clusters), and kwokctl picks
    // every component's port by counting down from the same number: without cluster.sh's machine-wide create
    // lock, two creates at once pick the same ports and one cluster's controller talks to the other's API.
    it("two clusters created at the same moment each get ports of their own and both come up", async () => {
        const dir = mkdtempSync(join(tmpdir(), "osk-lab-clusters-test-"));
        writeFileSync(join(dir, "nodes.txt"), "n1\n");
        const up = (name: string) =>
            new Promise<{ code: number; err: string }>((resolve) => {
                const child = spawn("bash", [join(ROOT, "tools", "lab", "cluster.sh"), "up", join(dir, name), join(dir, "nodes.txt")], { stdio: ["ignore", "ignore", "pipe"] });
                let err = "";
                child.stderr.on("data", (d: Buffer) => (err += d.toString()));
                child.on("close", (code) => resolve({ code: code ?? -1, err }));
            });
        try {
            const [a, b] = await Promise.all([up("a"), up("b")]);
            assert.equal(a.code, 0, a.err);
            assert.equal(b.code, 0, b.err);
            const listen = (name: string) => readFileSync(join(dir, name, "listen"), "utf8").split("\n").filter(Boolean);
            const shared = listen("a").filter((addr) => listen("b").includes(addr));
            assert.ok(listen("a").length >= 5, `a listens on ${listen("a").join(" ")}`);
            assert.deepEqual(shared, [], "no address is listed by both clusters");
            for (const name of ["a", "b"]) {
                const nodes = spawnSync(join(binDir(), "kubectl"), ["--kubeconfig", join(dir, name, "kubeconfig"), "get", "nodes", "-o", "name"], { encoding: "utf8" });
                assert.equal(nodes.stdout.trim(), "node/n1", `${name}: ${nodes.stderr}`);
            }
        } finally {
            for (const name of ["a", "b"]) spawnSync("bash", [join(ROOT, "tools", "lab", "cluster.sh"), "down", join(dir, name)], { stdio: "inherit" });
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
