// Prints the resource tree a stack would create, from the real program under mocks: also the parts the offline
// engine here cannot preview (the tenant's OpenStack resources need a provider plugin this machine cannot build).
//   ./osk tree STACK [ROOT_NAME]      e.g. ./osk tree prod tenant
import { runStack } from "../test/helpers/mockRun";

async function main(): Promise<void> {
    const [stack, rootName] = process.argv.slice(2);
    if (!stack) throw new Error("usage: ./osk tree STACK [ROOT_NAME]");
    const run = await runStack(stack);
    const children = new Map<string, typeof run.resources>();
    for (const r of run.resources) {
        const key = r.parent ?? "";
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (name: string, depth: number, seen: Set<string>) => {
        for (const r of children.get(name) ?? []) {
            if (r.type.startsWith("pulumi:providers:") && depth > 0 && !rootName) continue;
            const deps = r.dependsOn.length > 0 ? `  (after ${r.dependsOn.join(", ")})` : "";
            lines.push(`${"  ".repeat(depth)}${r.name}  ${r.type}${r.protect ? "  [protected]" : ""}${deps}`);
            if (!r.custom && !seen.has(r.name)) walk(r.name, depth + 1, new Set([...seen, r.name]));
        }
    };
    if (rootName) {
        const root = run.resources.find((r) => r.name === rootName && !r.custom);
        if (!root) throw new Error(`no component named ${rootName}`);
        lines.push(`${root.name}  ${root.type}`);
        walk(root.name, 1, new Set([root.name]));
    } else {
        walk("", 0, new Set());
    }
    console.log(lines.join("\n"));
    console.log(`\n${lines.length} resources`);
    process.exit(0);
}

main().catch((e) => {
    console.error((e as Error).message);
    process.exit(1);
});
