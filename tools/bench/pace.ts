// What the lab's converge should take by the plan: each release's hook Jobs one after another (Helm runs them in
// turn), each gate until its workloads are Ready, each step after what it waits for. With the lab's stage delays
// (tools/lab/stages.ts) this is the critical path a plan predicts, to set beside the measured converge.
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import type { PlanStep } from "../../components/charts/plan";
import { ROOT } from "../engine/workspace";
import { delaySeconds, STAGE_DELAYS, type DelayRule } from "../lab/stages";

/** What a lab stand-in chart renders, from its spec block: workloads (name, component) and hook Jobs in order. */
export interface StandInSpec {
    workloads: { name: string; component: string }[];
    jobs: string[];
}

export function standInSpec(chart: string): StandInSpec {
    const text = readFileSync(join(ROOT, "test", "lab", "charts", chart, "templates", "lab.yaml"), "utf8");
    const m = new RegExp(`\\{\\{- define "${chart}\\.lab\\.spec" -\\}\\}\\n([\\s\\S]*?)\\n\\{\\{- end \\}\\}`).exec(text);
    if (!m) return { workloads: [], jobs: [] }; // a chart without the shared spec (none renders Jobs then)
    // The names some specs template from the release name (the chart's own in the lab).
    const plain = m[1].replace(/\{\{ printf "%s-([^"]+)" \.Release\.Name \}\}/g, `${chart}-$1`).replace(/\{\{.*?\}\}/g, "templated");
    const spec = (parse(plain) ?? {}) as { workloads?: { name: string; component?: string }[]; jobs?: string[] };
    return { workloads: (spec.workloads ?? []).map((w) => ({ name: w.name, component: w.component ?? w.name })), jobs: spec.jobs ?? [] };
}

export interface Prediction {
    /** When the last step finishes, from the start of the converge. */
    seconds: number;
    /** The steps on the longest chain, first to last. */
    chain: string[];
}

/** The plan's finish time under the lab's delays at `scale`, and the chain that sets it. */
export function predictConverge(steps: readonly PlanStep[], scale: number, delays: { ready: readonly DelayRule[]; complete: readonly DelayRule[] } = STAGE_DELAYS, spec: (chart: string) => StandInSpec = standInSpec): Prediction {
    const byId = new Map(steps.map((s) => [s.id, s]));
    const start = new Map<string, number>();
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const readyAt = new Map<string, number>(); // workload name -> when its pods are Ready
    const visit = (id: string): number => {
        const known = finish.get(id);
        if (known !== undefined) return known;
        const s = byId.get(id);
        if (!s) throw new Error(`plan step ${id} is not in the plan`);
        let begin = 0;
        let from: string | undefined;
        for (const a of s.after) {
            const f = visit(a);
            if (f >= begin) [begin, from] = [f, a];
        }
        let end = begin;
        if (s.kind === "release") {
            const chart = s.chart!;
            const own = spec(chart);
            for (const w of own.workloads) readyAt.set(w.name, begin + delaySeconds(delays.ready, chart, w.component) * scale);
            for (const job of own.jobs) end += (delaySeconds(delays.ready, chart, job) + delaySeconds(delays.complete, chart, job)) * scale;
        } else {
            for (const t of s.targets ?? []) end = Math.max(end, readyAt.get(t.name) ?? begin);
        }
        start.set(id, begin);
        finish.set(id, end);
        via.set(id, from);
        return end;
    };
    let last = "";
    let seconds = 0;
    for (const s of steps) {
        const f = visit(s.id);
        if (f >= seconds) [seconds, last] = [f, s.id];
    }
    const chain: string[] = [];
    for (let id: string | undefined = last; id; id = via.get(id)) chain.unshift(id);
    return { seconds, chain };
}
