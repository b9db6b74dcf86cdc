// docs/outputs.md read as data: the contract's rows, so the tests check the program against the document itself
// and the two cannot drift apart.
import { readFileSync } from "fs";
import { join } from "path";
import { ROOT } from "./stacks";

export interface DocumentedOutput {
    name: string;
    type: string;
    secret: boolean;
}

/** Splits a Markdown table row on its unescaped pipes (a type like `"dev" \| "prod"` keeps its pipe). */
function cells(row: string): string[] {
    return row
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
}

/**
 * Every output row of the document's tables, in order. A row whose secret column is neither `no` nor `**yes**`
 * is an error, so a typo cannot silently make an output plain.
 */
export function parseOutputsDoc(text: string): DocumentedOutput[] {
    const rows: DocumentedOutput[] = [];
    for (const line of text.split("\n")) {
        const m = /^\| `([A-Za-z][A-Za-z0-9]*)` \|/.exec(line);
        if (!m) continue;
        const [, type, secret] = cells(line);
        const name = m[1];
        if (secret !== "no" && secret !== "**yes**") {
            throw new Error(`docs/outputs.md: output ${name} has secret column "${secret}"; allowed: no, **yes**`);
        }
        rows.push({ name, type, secret: secret === "**yes**" });
    }
    return rows;
}

export function documentedOutputs(): DocumentedOutput[] {
    return parseOutputsDoc(readFileSync(join(ROOT, "docs", "outputs.md"), "utf8"));
}
