// Reads the `osk:` stack configuration from the Pulumi runtime and validates it once.
import * as pulumi from "@pulumi/pulumi";
import type { Model } from "./model";
import { NAMESPACE } from "./paths";
import { formatProblems, validateConfig, type RawConfig } from "./validate";

// The runtime keeps which keys were set with --secret; the SDK exposes it only from this module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Collects `osk:*` keys from the running stack. Structured values arrive as JSON text. */
export function readRawConfig(): RawConfig {
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== NAMESPACE || key === undefined) continue;
        values[key] = parseValue(text);
        if (runtimeConfig.isConfigSecret(fullKey)) secretKeys.add(key);
    }
    return { values, secretKeys };
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
