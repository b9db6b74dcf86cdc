// Reads the `osk:` stack configuration from the Pulumi runtime and validates it once.
import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { applyLayers, layerFiles, LAYERS_KEY, parseLayer, type Layer } from "./layers";
import type { Model, Problem } from "./model";
import { NAMESPACE } from "./paths";
import { formatProblems, validateConfig, type RawConfig } from "./validate";

// The runtime keeps which keys were set with --secret; the SDK exposes it only from this module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Collects `osk:*` keys from the running stack, over the layers it names. Structured values arrive as JSON text. */
export function readRawConfig(): RawConfig {
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== NAMESPACE || key === undefined) continue;
        values[key] = parseValue(text);
        if (runtimeConfig.isConfigSecret(fullKey)) secretKeys.add(key);
    }
    const { layers, problems } = readLayers(values[LAYERS_KEY], pulumi.runtime.getRootDirectory());
    if (problems.length) throw new pulumi.RunError(formatProblems(problems));
    return { values: applyLayers(values, layers), secretKeys };
}

/** Reads the layer files a stack names, relative to the project directory. */
export function readLayers(value: unknown, projectDir: string): { layers: Layer[]; problems: Problem[] } {
    const { files, problems } = layerFiles(value);
    const layers: Layer[] = [];
    for (const file of files) {
        const path = join(projectDir, file);
        if (!existsSync(path)) {
            problems.push({ path: `${NAMESPACE}:${LAYERS_KEY}`, message: `names ${file}, which is not in the project directory (${projectDir})` });
            continue;
        }
        const parsed = parseLayer(file, readFileSync(path, "utf8"));
        problems.push(...parsed.problems);
        if (parsed.layer) layers.push(parsed.layer);
    }
    return { layers, problems };
}

function parseValue(text: string): unknown {
    const t = text.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t);
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * The validated model of the current stack. Throws a `RunError` listing every problem, so the engine
 * prints the list without a stack trace and no resource is registered.
 */
export function loadModel(raw: RawConfig = readRawConfig()): Model {
    const result = validateConfig(raw);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(result.problems));
    }
    return result.model;
}
