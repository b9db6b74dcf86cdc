// The resource graph a stack's `pulumi up` walks, drawn with Graphviz: components as clusters (nested as they
// nest), resources as nodes, dependencies (explicit, and through inputs, as the engine is told them) as edges from
// what comes first to what waits for it; resources holding a secret and protected resources are marked. Built from
// the real program under mocks, so it covers what the offline engine cannot preview.
//   ./osk graph STACK [--format svg|png|dot] [--output FILE]
//   ./osk graph --docs      regenerate docs/prod-graph.dot and docs/prod-graph.svg (the README's picture)
// Readability: providers and the stack itself are left out; inside one component, resources of the same type and
// role (the first word after the component's name: `cluster-join-*`) are drawn as one node "N x Type"; a component
// with more than 12 such groups of one type draws that type as one node.
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { SECRET_SIG, runStack, type Registered, type RunResult } from "../test/helpers/mockRun";
import { ROOT } from "../test/helpers/stacks";

/** How many role groups of one type a component may show before that type becomes one node. */
const MAX_GROUPS_PER_TYPE = 12;

const key = (type: string, name: string) => `${type}::${name}`;
/** `urn:pulumi:stack::project::parent$type::name` -> `type::name`. */
export function urnKey(urn: string): string {
    const parts = urn.split("::");
    const name = parts[parts.length - 1];
    const types = parts[parts.length - 2].split("$");
    return key(types[types.length - 1], name);
}

/** `pulumi-nodejs:dynamic/remote:Command` -> `Command`, `kubernetes:helm.sh/v3:Release` -> `Release`. */
export function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

function hasSecret(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasSecret);
    if (value && typeof value === "object") return Object.values(value).some((v) => v === SECRET_SIG || hasSecret(v));
    return false;
}

/** A resource holds a secret when a secret goes in or it keeps outputs secret. */
export function holdsSecret(r: Registered): boolean {
    return r.secretOutputs.length > 0 || hasSecret(r.wire);
}

interface GraphNode {
    id: string;
    label: string;
    members: Registered[];
    secret: boolean;
    protect: boolean;
}

/** The role of a child: the first word of its name after its component's name. */
function roleOf(r: Registered): string {
    const rest = r.parent && r.name.startsWith(`${r.parent}-`) ? r.name.slice(r.parent.length + 1) : r.name;
    return rest.split("-")[0];
}

const quote = (s: string) => `"${s.replace(/"/g, '\\"')}"`; // labels keep their \\n line breaks

/** The DOT source of a run's resource graph: deterministic (everything sorted), so it can be committed and compared. */
export function toDot(run: RunResult, title: string): string {
    const drawn = run.resources.filter((r) => !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack");
    const components = drawn.filter((r) => !r.custom);
    const componentByKey = new Map(components.map((c) => [key(c.type, c.name), c]));
    /** The component a resource sits in ("" at the top level or under the stack). */
    const parentOf = (r: Registered) => (r.parentUrn && componentByKey.has(urnKey(r.parentUrn)) ? urnKey(r.parentUrn) : "");
    const byKey = new Map(drawn.map((r) => [key(r.type, r.name), r]));

    // Group the custom resources of each component (or of the top level) into nodes.
    const nodeOf = new Map<string, GraphNode>();
    const nodesIn = new Map<string, GraphNode[]>();
    const customs = drawn.filter((r) => r.custom);
    const parents = [...new Set(customs.map(parentOf))].sort();
    for (const parent of parents) {
        const mine = customs.filter((r) => parentOf(r) === parent);
        const parentName = componentByKey.get(parent)?.name ?? "";
        const groups = new Map<string, Registered[]>();
        for (const r of mine) groups.set(`${r.type}|${roleOf(r)}`, [...(groups.get(`${r.type}|${roleOf(r)}`) ?? []), r]);
        // A type split into too many role groups becomes one node.
        const perType = new Map<string, number>();
        for (const k of groups.keys()) perType.set(k.split("|")[0], (perType.get(k.split("|")[0]) ?? 0) + 1);
        const merged = new Map<string, Registered[]>();
        for (const [k, members] of groups) {
            const type = k.split("|")[0];
            const mk = (perType.get(type) ?? 0) > MAX_GROUPS_PER_TYPE ? `${type}|*` : k;
            merged.set(mk, [...(merged.get(mk) ?? []), ...members]);
        }
        const list: GraphNode[] = [];
        for (const [k, members] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
            const [type, role] = k.split("|");
            members.sort((a, b) => a.name.localeCompare(b.name));
            const id = members.length === 1 ? `r:${key(type, members[0].name)}` : `g:${parent}|${k}`;
            const label =
                members.length === 1
                    ? `${members[0].name}\\n${shortType(type)}`
                    : `${members.length} x ${shortType(type)}\\n${role === "*" ? `${parentName}-*` : `${parentName ? `${parentName}-` : ""}${role}-*`}`;
            const node: GraphNode = { id, label, members, secret: members.some(holdsSecret), protect: members.some((m) => m.protect) };
            for (const m of members) nodeOf.set(key(m.type, m.name), node);
            list.push(node);
        }
        nodesIn.set(parent, list);
    }

    // A component is reached through an anchor node at its top (edges to a component point at its cluster).
    const anchorOf = (c: Registered) => `c:${key(c.type, c.name)}`;
    const endpoint = (k: string): string | undefined => {
        const r = byKey.get(k);
        if (!r) return undefined;
        return r.custom ? nodeOf.get(k)?.id : anchorOf(r);
    };
    // The outermost component a resource sits in (itself for a top-level component).
    const outermost = (k: string): Registered | undefined => {
        let c = componentByKey.get(k) ?? componentByKey.get(parentOf(byKey.get(k)!));
        while (c && parentOf(c) !== "") c = componentByKey.get(parentOf(c));
        return c;
    };
    const edges = new Set<string>();
    for (const r of drawn) {
        const to = endpoint(key(r.type, r.name));
        if (!to) continue;
        for (const dep of r.dependencies) {
            const depKey = urnKey(dep);
            let from = endpoint(depKey);
            if (!from || from === to) continue;
            // A whole component waiting for another: one edge between the two clusters, not one per resource.
            const src = outermost(depKey);
            if (!r.custom && src && src !== outermost(key(r.type, r.name))) {
                from = anchorOf(src);
                edges.add(`${quote(from)} -> ${quote(to)} [ltail=${quote(`cluster_${key(src.type, src.name)}`)}, lhead=${quote(`cluster_${key(r.type, r.name)}`)}, color="#3060a0", penwidth=1.5]`);
                continue;
            }
            edges.add(`${quote(from)} -> ${quote(to)}`);
        }
    }

    const lines: string[] = [
        `digraph ${quote(title)} {`,
        `  label=${quote(`${title}: ${drawn.filter((r) => r.custom).length} resources in ${components.length} components (osk graph; repetitive resources drawn as one node "N x Type")`)};`,
        "  labelloc=t; fontname=Helvetica; fontsize=18; rankdir=LR; compound=true; newrank=true; ranksep=0.6; nodesep=0.15;",
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname=Helvetica, fontsize=10];',
        "  edge [color=gray40, arrowsize=0.6];",
        '  legend [shape=none, fillcolor=none, label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="4"><tr><td bgcolor="#fff2b3">holds a secret</td><td bgcolor="white" color="#b00020"><b>protected</b></td><td>edge: what comes first -&gt; what waits for it</td><td><font color="#3060a0">blue: a component waits for a whole component</font></td></tr></table>>];',
    ];
    const drawNode = (n: GraphNode, indent: string) => {
        const attrs = [`label=${quote(n.label + (n.protect ? "\\n[protected]" : "") + (n.secret ? "\\n[secret]" : ""))}`];
        if (n.secret) attrs.push('fillcolor="#fff2b3"');
        if (n.protect) attrs.push('color="#b00020"', "penwidth=2.5");
        lines.push(`${indent}${quote(n.id)} [${attrs.join(", ")}];`);
    };
    const drawnComponents = new Set<Registered>();
    const drawComponent = (c: Registered, indent: string) => {
        if (drawnComponents.has(c)) return;
        drawnComponents.add(c);
        lines.push(`${indent}subgraph ${quote(`cluster_${key(c.type, c.name)}`)} {`);
        lines.push(`${indent}  label=${quote(`${c.name}: ${c.type}`)}; style="rounded,filled"; fillcolor="#f3f6fa"; color="#7a8ca3"; fontsize=12;`);
        lines.push(`${indent}  ${quote(anchorOf(c))} [label=${quote(c.name)}, shape=cds, fillcolor="#dde6f0", fontsize=11];`);
        for (const n of nodesIn.get(key(c.type, c.name)) ?? []) drawNode(n, `${indent}  `);
        for (const child of components.filter((x) => parentOf(x) === key(c.type, c.name)).sort((a, b) => key(a.type, a.name).localeCompare(key(b.type, b.name)))) drawComponent(child, `${indent}  `);
        lines.push(`${indent}}`);
    };
    const topLevel = components.filter((c) => parentOf(c) === "").sort((a, b) => key(a.type, a.name).localeCompare(key(b.type, b.name)));
    for (const c of topLevel) drawComponent(c, "  ");
    for (const n of nodesIn.get("") ?? []) drawNode(n, "  ");
    for (const e of [...edges].sort()) lines.push(`  ${e};`);
    lines.push("}");
    return lines.join("\n") + "\n";
}

/** Renders DOT with Graphviz's dot. */
export function render(dot: string, format: "svg" | "png"): Buffer {
    const res = spawnSync("dot", [`-T${format}`], { input: dot, maxBuffer: 64 * 1024 * 1024 });
    if (res.error) throw new Error(`Graphviz's dot did not run (${res.error.message}); install it: tools/ensure-packages.sh graphviz`);
    if (res.status !== 0) throw new Error(`dot -T${format} failed: ${res.stderr.toString()}`);
    return res.stdout;
}

export const DOCS_STACK = "prod";
export const docsPaths = { dot: join(ROOT, "docs", "prod-graph.dot"), svg: join(ROOT, "docs", "prod-graph.svg") };

export async function stackDot(stack: string): Promise<string> {
    return toDot(await runStack(stack), `osk ${stack} stack`);
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    if (args[0] === "--docs") {
        const dot = await stackDot(DOCS_STACK);
        writeFileSync(docsPaths.dot, dot);
        writeFileSync(docsPaths.svg, render(dot, "svg"));
        console.error(`wrote ${docsPaths.dot} and ${docsPaths.svg}`);
        return;
    }
    const stack = args.find((a, i) => !a.startsWith("--") && !["--format", "--output"].includes(args[i - 1] ?? ""));
    const format = args.includes("--format") ? args[args.indexOf("--format") + 1] : "svg";
    const output = args.includes("--output") ? args[args.indexOf("--output") + 1] : undefined;
    if (!stack) throw new Error("usage: ./osk graph STACK [--format svg|png|dot] [--output FILE]");
    if (!["svg", "png", "dot"].includes(format)) throw new Error(`--format ${format}: allowed: svg, png, dot`);
    const dot = await stackDot(stack);
    const out = format === "dot" ? Buffer.from(dot) : render(dot, format as "svg" | "png");
    if (output) writeFileSync(output, out);
    else process.stdout.write(out);
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e: Error) => {
            console.error(e.message);
            process.exit(1);
        },
    );
}
