// The import graph between OSK's modules (a folder under components/, or stacks, policy, tools, test): which module
// imports which, how often, from the working tree or from any git revision. `./osk imports [REV]` prints it;
// the architecture test holds the direction of the edges.
import { execFileSync } from "child_process";
import { readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, normalize, relative } from "path";

export const ROOT = join(__dirname, "..");

/** The module a repository path belongs to: `components/<name>`, or its top-level folder. */
export function moduleOf(path: string): string {
    const parts = path.split("/");
    return parts[0] === "components" && parts.length >= 2 ? `components/${parts[1].replace(/\.ts$/, "")}` : parts[0];
}

/** Relative imports of one TypeScript source, resolved to repository paths. */
export function importsOf(path: string, text: string): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
        out.push(normalize(join(dirname(path), m[1])));
    }
    return out;
}

/** Module -> module edges with the number of import statements behind each. */
export function moduleGraph(files: ReadonlyMap<string, string>): Map<string, number> {
    const edges = new Map<string, number>();
    for (const [path, text] of files) {
        const from = moduleOf(path);
        for (const target of importsOf(path, text)) {
            const to = moduleOf(target);
            if (to === from) continue;
            const key = `${from} -> ${to}`;
            edges.set(key, (edges.get(key) ?? 0) + 1);
        }
    }
    return edges;
}

const SOURCE_DIRS = ["components", "stacks", "policy", "tools", "examples", "index.ts"];

function walk(dir: string, out: string[]): void {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
            if (name !== "node_modules") walk(p, out);
        } else if (p.endsWith(".ts")) out.push(relative(ROOT, p));
    }
}

/** The TypeScript sources of the product (not the tests) in the working tree, or at a git revision. */
export function sources(rev?: string): Map<string, string> {
    const files = new Map<string, string>();
    if (rev) {
        const listed = execFileSync("git", ["ls-tree", "-r", "--name-only", rev, "--", ...SOURCE_DIRS], { cwd: ROOT, encoding: "utf8" });
        for (const path of listed.split("\n").filter((p) => p.endsWith(".ts"))) {
            files.set(path, execFileSync("git", ["show", `${rev}:${path}`], { cwd: ROOT, encoding: "utf8" }));
        }
        return files;
    }
    const paths: string[] = [];
    for (const d of SOURCE_DIRS) {
        try {
            if (statSync(join(ROOT, d)).isDirectory()) walk(join(ROOT, d), paths);
            else paths.push(d);
        } catch {
            // not in this tree
        }
    }
    for (const p of paths) files.set(p, readFileSync(join(ROOT, p), "utf8"));
    return files;
}

if (require.main === module) {
    const rev = process.argv[2];
    const edges = moduleGraph(sources(rev));
    for (const [edge, n] of [...edges].sort(([a], [b]) => a.localeCompare(b))) console.log(`${edge}  (${n})`);
    const up = [...edges.keys()].filter((e) => e.startsWith("components/") && / -> (stacks|tools|policy|examples)$/.test(e));
    console.log(`\n${edges.size} edges; components importing the program or its tools: ${up.length ? up.join(", ") : "none"}`);
}
