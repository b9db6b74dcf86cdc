// ./osk fleet preview|up [--parallel N] [--project DIR] [--refresh] [--json FILE] [SITE...]
// One change, every site: each `Pulumi.<site>.yaml` of the project is its own stack in the backend OSK_BACKEND names
// (tools/engine/backend.ts), run through the Automation API, N at a time. Every site runs to its end whatever the
// others do; the policy pack checks each; one table closes the run, and the exit code is 1 when any site failed.
// Progress: a line per step a site plans or makes, and every 15 s which sites run, for how long.
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { parse } from "yaml";
import { applyLayers, LAYERS_KEY } from "../../stacks/config/layers";
import { readLayers } from "../../stacks/config/load";
import { backendUrl, describeBackend, secretsProvider } from "../engine/backend";
import { engineEnv, ROOT } from "../engine/workspace";
import { parseFleetArgs, runPool, selectSites, siteNames, stepKey, summaryTable, type FleetArgs, type SiteResult } from "./plan";

const say = (m: string) => console.error(`[fleet] ${m}`);

interface Running {
    started: number;
    steps: number;
    abort: AbortController;
    stack?: Stack;
}

/** The site's profile, from its stack file over the layers it names. */
function profileOf(project: string, stackFile: { config?: Record<string, unknown> }): string | undefined {
    const own = Object.fromEntries(Object.entries(stackFile.config ?? {}).filter(([k]) => k.startsWith("osk:")).map(([k, v]) => [k.slice(4), v]));
    const { layers } = readLayers(own[LAYERS_KEY], project);
    return (applyLayers(own, layers).site as { profile?: string } | undefined)?.profile;
}

/** The project's policy pack, enforced as the site's own config says (policy/config/<site>.json), else its profile's. */
function policy(project: string, site: string, profile: string | undefined): { policyPacks?: string[]; policyPackConfigs?: string[] } {
    const pack = join(project, "policy");
    if (!existsSync(join(pack, "PulumiPolicy.yaml"))) return {};
    const config = [site, profile].map((n) => n && join(pack, "config", `${n}.json`)).find((f) => f && existsSync(f));
    return { policyPacks: [pack], policyPackConfigs: config ? [config] : undefined };
}

/** The engine's reason, from an Automation API error: the end of its stderr, without the command line it ran. */
export function engineReason(message: string): string {
    const stderr = (message.split(/\bstderr:/).pop() ?? message).split(/\berr\?:/)[0];
    return stderr.split("\n").map((l) => l.trim()).filter((l) => l && !/Command failed with exit code/.test(l) && !/^(Updating|Previewing) \(/.test(l) && l !== "error:").slice(-3).join(" | ");
}

async function runSite(args: FleetArgs, project: string, backend: string, site: string, running: Map<string, Running>): Promise<SiteResult> {
    const result: SiteResult = { site, ok: false, changes: {}, steps: [], seconds: 0, policy: { mandatory: 0, advisory: 0 } };
    const state: Running = { started: Date.now(), steps: 0, abort: new AbortController() };
    running.set(site, state);
    const errors: string[] = [];
    const onEvent = (e: EngineEvent) => {
        const pre = e.resourcePreEvent?.metadata;
        if (pre && pre.op !== "same" && pre.type !== "pulumi:pulumi:Stack") {
            state.steps++;
            result.steps.push(stepKey(pre.op, pre.urn, site));
            console.error(`[${site}] ${args.action === "preview" ? "plans" : "starts"} ${stepKey(pre.op, pre.urn, site).replace(/ /, ": ")}`);
        }
        if (e.policyEvent) {
            const level = e.policyEvent.enforcementLevel === "mandatory" ? "mandatory" : "advisory";
            result.policy[level]++;
            console.error(`[${site}] policy ${level}: ${e.policyEvent.policyName}: ${e.policyEvent.message.split("\n")[0]}`);
        }
        if (e.diagnosticEvent?.severity === "error") errors.push(e.diagnosticEvent.message.trim());
    };
    try {
        const stackFile = (parse(readFileSync(join(project, `Pulumi.${site}.yaml`), "utf8")) ?? {}) as { config?: Record<string, unknown>; secretsprovider?: string };
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: site, workDir: project },
            {
                secretsProvider: secretsProvider(stackFile),
                envVars: { PULUMI_BACKEND_URL: backend, PULUMI_SKIP_CONFIRMATIONS: "true", NO_COLOR: "1", PULUMI_SKIP_UPDATE_CHECK: "true" },
            },
        );
        state.stack = stack;
        const opts = { onEvent, color: "never" as const, refresh: args.refresh, signal: state.abort.signal, ...policy(project, site, profileOf(project, stackFile)) };
        if (args.action === "preview") {
            const r = await stack.preview(opts);
            result.changes = { ...r.changeSummary };
        } else {
            const r = await stack.up(opts);
            result.changes = { ...(r.summary.resourceChanges ?? {}) };
        }
        result.ok = true;
    } catch (e) {
        // The engine's own error lines say what went wrong (a lock, a provider error); the exception adds the command.
        const reason = errors.length ? errors.join("\n").split("\n").filter((l) => l.trim()).slice(0, 3).join(" | ") : engineReason(String((e as Error).message ?? e));
        result.error = result.policy.mandatory > 0 ? `${result.policy.mandatory} mandatory policy violation(s); ${reason}` : reason;
    } finally {
        result.seconds = (Date.now() - state.started) / 1000;
        running.delete(site);
        console.error(`[${site}] ${args.action} ${result.ok ? "ok" : "FAILED"} in ${result.seconds.toFixed(1)} s${result.error ? `: ${result.error}` : ""}`);
    }
    return result;
}

async function main(): Promise<void> {
    let args: FleetArgs;
    let backend: string;
    try {
        args = parseFleetArgs(process.argv.slice(2));
        backend = backendUrl();
    } catch (e) {
        console.error((e as Error).message);
        process.exit(2);
    }
    const project = resolve(args.project ?? ROOT);
    const sites = (() => {
        try {
            return selectSites(siteNames(readdirSync(project)), args.sites);
        } catch (e) {
            console.error((e as Error).message);
            process.exit(2);
        }
    })();
    // The offline engine and its plugins, as tools/toolchain.sh built them.
    Object.assign(process.env, engineEnv());
    say(`${args.action} of ${sites.length} site(s) (${sites.join(", ")}), ${args.parallel} at a time, state in ${describeBackend(backend)}`);

    const running = new Map<string, Running>();
    const started = Date.now();
    const done: string[] = [];
    const ticker = setInterval(() => {
        const now = Date.now();
        const r = [...running.entries()].map(([s, st]) => `${s} ${Math.round((now - st.started) / 1000)} s (${st.steps} steps)`);
        const waiting = sites.length - done.length - running.size;
        say(`${Math.round((now - started) / 1000)} s: ${done.length}/${sites.length} done; running: ${r.join(", ") || "none"}; waiting: ${waiting}`);
    }, 15000);
    // Interrupted: stop every running site's engine, then clear the lock each left, so no site stays locked.
    // Only the sites whose engines this run stopped: a site that had already failed on another run's lock keeps it.
    let interrupted = false;
    const aborted: string[] = [];
    const stop = (signal: string) => {
        if (interrupted) return;
        interrupted = true;
        say(`${signal}: stopping ${running.size} running site(s), then clearing their locks`);
        for (const [site, st] of running) {
            aborted.push(site);
            st.abort.abort();
        }
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));

    const results = await runPool(sites, args.parallel, async (site) => {
        if (interrupted) return { site, ok: false, changes: {}, steps: [], seconds: 0, policy: { mandatory: 0, advisory: 0 }, error: "not started: the run was interrupted" };
        const r = await runSite(args, project, backend, site, running);
        done.push(site);
        return r;
    });
    clearInterval(ticker);
    for (const site of aborted.filter((s) => !results.find((r) => r.site === s)?.ok)) {
        const stack = await LocalWorkspace.selectStack({ stackName: site, workDir: project }, { envVars: { PULUMI_BACKEND_URL: backend } });
        await stack.cancel().catch((e: Error) => say(`${site}: could not clear its lock: ${e.message}`));
    }
    console.log(summaryTable(args.action, results));
    if (args.json) writeFileSync(args.json, JSON.stringify({ action: args.action, backend: describeBackend(backend), results }, null, 2));
    process.exit(results.every((r) => r.ok) ? 0 : 1);
}

if (require.main === module) void main();
