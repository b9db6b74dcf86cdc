// How long the lab's simulated pods take. kwok's default stages make every pod Ready and every Job complete at
// once, so a converge cannot tell a good plan from a bad one. Here the lab takes kwok's own stages from its Go module
// (the version tools/k8s-tools.sh builds kwok from) and gives two of them a delay per pod, from a table of what the
// real charts' pods take: `pod-ready` (a container starting: Galera joining, an API loading its WSGI app) and
// `pod-complete` (a Job's work: a database migration, a Keystone registration). Scaled by OSK_LAB_TIME_SCALE
// (0 keeps kwok's instant stages). Lab tooling only; no product code reads this.
import { readFileSync } from "fs";
import { join } from "path";
import { parse, stringify } from "yaml";
import { goModuleDir } from "../../stacks/gomodule";

/** One row: pods of `application` (chart) and `component` (either may be "*"), and the seconds their phase takes. */
export interface DelayRule {
    application: string;
    component: string;
    seconds: number;
}

/**
 * Seconds at scale 1, first match wins. From the real charts' behaviour on a small site (openstack-helm's own
 * jobs and entrypoints): migrations are the long part of a release, Nova's the longest (API and cell databases,
 * then cell mapping); Keystone registrations are a few API calls each; Galera and RabbitMQ take their time to
 * form a cluster; an API pod loads its WSGI application in some seconds.
 */
export const STAGE_DELAYS: { ready: DelayRule[]; complete: DelayRule[] } = {
    ready: [
        { application: "mariadb", component: "server", seconds: 40 },
        { application: "rabbitmq", component: "server", seconds: 25 },
        { application: "memcached", component: "server", seconds: 3 },
        { application: "*", component: "api", seconds: 10 },
        { application: "*", component: "os-api", seconds: 10 },
        { application: "*", component: "server", seconds: 10 },
        { application: "*", component: "*", seconds: 4 },
    ],
    complete: [
        { application: "nova", component: "db-sync", seconds: 90 },
        { application: "nova", component: "cell-setup", seconds: 30 },
        { application: "neutron", component: "db-sync", seconds: 60 },
        { application: "keystone", component: "db-sync", seconds: 45 },
        { application: "keystone", component: "bootstrap", seconds: 20 },
        { application: "rabbitmq", component: "cluster-wait", seconds: 15 },
        { application: "*", component: "db-sync", seconds: 30 },
        { application: "*", component: "db-init", seconds: 5 },
        { application: "*", component: "ks-user", seconds: 8 },
        { application: "*", component: "ks-service", seconds: 8 },
        { application: "*", component: "ks-endpoints", seconds: 8 },
        { application: "*", component: "*", seconds: 10 },
    ],
};

/** The scale from OSK_LAB_TIME_SCALE: a non-negative number; anything else is refused, naming the variable. */
export function timeScale(value: string | undefined, fallback: number): number {
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`OSK_LAB_TIME_SCALE=${value}: must be a number >= 0 (1 is the real charts' pace, 0 kwok's instant stages)`);
    return n;
}

/** The seconds a pod's phase takes at scale 1: the first rule that matches it. */
export function delaySeconds(rules: readonly DelayRule[], application: string, component: string): number {
    const r = rules.find((x) => (x.application === "*" || x.application === application) && (x.component === "*" || x.component === component));
    return r?.seconds ?? 0;
}

const jqString = (s: string) => JSON.stringify(s);

/** The jq expression kwok evaluates on each pod for its delay: a Go duration string from the pod's labels. */
export function delayExpression(rules: readonly DelayRule[], scale: number, factor = 1): string {
    const ms = (s: number) => jqString(`${Math.round(s * scale * factor * 1000)}ms`);
    const cond = (r: DelayRule) => [r.application === "*" ? "" : `$a == ${jqString(r.application)}`, r.component === "*" ? "" : `$c == ${jqString(r.component)}`].filter(Boolean).join(" and ") || "true";
    const branches = rules.map((r, i) => `${i === 0 ? "if" : "elif"} ${cond(r)} then ${ms(r.seconds)}`).join(" ");
    return `(.metadata.labels.application // "") as $a | (.metadata.labels.component // "") as $c | ${branches} else ${ms(0)} end`;
}

/** kwok's Stage documents at its pinned version, out of its Go module, in the order kwokctl uses by default. */
const STAGE_FILES = [
    "kustomize/stage/node/fast/node-initialize.yaml",
    "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "kustomize/stage/pod/fast/pod-ready.yaml",
    "kustomize/stage/pod/fast/pod-complete.yaml",
    "kustomize/stage/pod/fast/pod-delete.yaml",
];

/** The kwok module's directory in the Go module cache (downloaded if need be). */
export function kwokModuleDir(version: string): string {
    try {
        return goModuleDir(`sigs.k8s.io/kwok@v${version}`);
    } catch (e) {
        throw new Error(`the kwok module v${version} is not in the Go module cache and could not be downloaded: ${(e as Error).message}`);
    }
}

/**
 * The Stage documents for kwokctl's configuration: kwok's own, with `pod-ready` and `pod-complete` delayed per pod
 * (jitter: up to a quarter more). Given Stages, kwokctl uses them instead of its defaults, so all five are here.
 */
export function delayedStages(moduleDir: string, scale: number, delays = STAGE_DELAYS): string {
    const docs = STAGE_FILES.map((f) => parse(readFileSync(join(moduleDir, f), "utf8")) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    for (const d of docs) {
        if (d.kind !== "Stage") throw new Error(`${f(d)} is not a kwok Stage`);
        const rules = d.metadata.name === "pod-ready" ? delays.ready : d.metadata.name === "pod-complete" ? delays.complete : undefined;
        if (!rules) continue;
        d.spec.delay = {
            durationMilliseconds: 0,
            durationFrom: { expressionFrom: delayExpression(rules, scale) },
            jitterDurationFrom: { expressionFrom: delayExpression(rules, scale, 1.25) },
        };
    }
    const names = docs.map((d) => d.metadata.name);
    if (names.join() !== "node-initialize,node-heartbeat-with-lease,pod-ready,pod-complete,pod-delete") throw new Error(`kwok's stages are not the ones expected: ${names.join(", ")}`);
    return docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join("");
    function f(d: { metadata?: { name?: string } }) {
        return d.metadata?.name ?? "a document";
    }
}
