// The `osk` provider plugin: OSK's own resource types served over the engine's provider protocol by the SDK's
// provider server. The code that runs for a resource is always this plugin's, the one the toolchain installed for
// the package version being run: refresh and delete included, whatever version created the resource.
//
// What every type shares is here: the server hands over values with secrets still wrapped, so they are revealed for
// the handlers and every property the schema marks secret (or that came in secret) is wrapped again on the way out;
// state written by the former dynamic providers carries a serialized copy of their code (`__provider`), which is
// dropped, and whose presence makes the diff an in-place update so that copy leaves the state.
import type * as provider from "@pulumi/pulumi/provider";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { ClusterDrainHandler } from "../k8s/drain";
import { ReadinessGateHandler } from "../k8s/readiness";
import { CommandHandler } from "../remote/command";
import { CertificateHandler } from "../secrets/certificate";
import { GeneratedHandler } from "../secrets/generated";
import { inputProperties, packageSchema, requiredInputs, secretProperties } from "../provider/schema";
import { PROVIDER_VERSION } from "../provider/resource";
import type { AnyHandler, DiffResult } from "../provider/types";

/** Where the former dynamic providers kept their serialized code, in inputs and outputs alike. */
export const LEGACY_PROVIDER_KEY = "__provider";

/** Every type the plugin serves. */
export const HANDLERS: AnyHandler[] = [CommandHandler, GeneratedHandler, CertificateHandler, ReadinessGateHandler, ClusterDrainHandler];

type Props = Record<string, unknown>;

const isSecret = (v: unknown): v is { value: unknown } => typeof v === "object" && v !== null && (v as Props)[specialSigKey] === specialSecretSig;

/** Deep copy with every secret replaced by its value; `secretKeys` names the top-level keys that held one. */
export function reveal(props: Props): { values: Props; secretKeys: string[] } {
    const secretKeys: string[] = [];
    const walk = (v: unknown, top?: string): unknown => {
        if (isSecret(v)) {
            if (top !== undefined && !secretKeys.includes(top)) secretKeys.push(top);
            return walk(v.value, top);
        }
        if (Array.isArray(v)) return v.map((x) => walk(x, top));
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, top)]));
        return v;
    };
    const values = Object.fromEntries(Object.entries(props ?? {}).map(([k, v]) => [k, walk(v, k)]));
    return { values, secretKeys };
}

/** The properties with each named one wrapped as a secret, undefined ones dropped (the wire has no undefined). */
export function conceal(props: Props, secretKeys: Iterable<string>): Props {
    const keys = new Set(secretKeys);
    const out: Props = {};
    for (const [k, v] of Object.entries(props ?? {})) {
        if (v === undefined || k === LEGACY_PROVIDER_KEY) continue;
        out[k] = keys.has(k) && !isSecret(v) ? { [specialSigKey]: specialSecretSig, value: v } : v;
    }
    return out;
}

/** The state without the former dynamic provider's code. */
export function withoutLegacy(props: Props): Props {
    return Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => k !== LEGACY_PROVIDER_KEY));
}

/** The type token inside a URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
export function typeOfUrn(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** The diff the engine gets: the type's own rules, plus an in-place update that drops a former dynamic provider's code. */
export async function diffFor(h: AnyHandler, olds: Props, news: Props): Promise<DiffResult> {
    const result = await h.diff(withoutLegacy(reveal(olds).values), reveal(news).values);
    if (LEGACY_PROVIDER_KEY in (olds ?? {})) return { ...result, changes: true };
    return result;
}

/** The provider for the given handlers (all of OSK's by default). */
export function oskProvider(handlers: AnyHandler[] = HANDLERS): provider.Provider {
    const byToken = new Map(handlers.map((h) => [h.token, h]));
    const handler = (urn: string): AnyHandler => {
        const token = typeOfUrn(urn);
        const h = byToken.get(token);
        if (!h) throw new Error(`the osk provider has no resource type ${token}; it serves: ${[...byToken.keys()].join(", ")}`);
        return h;
    };
    const secretsOf = (h: AnyHandler, inputs: Props, inputSecrets: string[]) => [...secretProperties(h.token), ...(h.secretOutputs?.(inputs) ?? []), ...inputSecrets];
    return {
        version: PROVIDER_VERSION,
        getSchema: async () => packageSchema(),
        async check(urn, _olds, news: Props) {
            // Before anything runs: every required input is there (an unknown one, at preview, counts as there).
            const h = handler(urn);
            const failures = requiredInputs(h.token)
                .filter((k) => news?.[k] === undefined || news[k] === null)
                .map((property) => ({ property, reason: `${h.token} needs "${property}"; its inputs are: ${inputProperties(h.token).join(", ")}` }));
            return { inputs: news, failures };
        },
        async diff(_id, urn, olds: Props, news: Props) {
            return diffFor(handler(urn), olds, news);
        },
        async create(urn, inputs: Props) {
            const h = handler(urn);
            const { values, secretKeys } = reveal(inputs);
            const r = await h.create(values);
            return { id: r.id, outs: conceal(r.outs as Props, secretsOf(h, values, secretKeys)) };
        },
        async update(id, urn, olds: Props, news: Props) {
            const h = handler(urn);
            const old = reveal(withoutLegacy(olds));
            const neu = reveal(news);
            const r = h.update ? await h.update(id, old.values, neu.values) : { outs: { ...old.values, ...neu.values } };
            return { outs: conceal(r.outs as Props, secretsOf(h, neu.values, [...old.secretKeys, ...neu.secretKeys])) };
        },
        async read(id, urn, props: Props) {
            const h = handler(urn);
            const state = withoutLegacy(props);
            let outs = state;
            if (h.read) {
                const { values, secretKeys } = reveal(state);
                const r = await h.read(id, values);
                outs = conceal(r.props as Props, secretsOf(h, values, secretKeys));
                id = r.id;
            }
            // The inputs a refresh keeps: the type's inputs out of its state (a former dynamic resource's lose its code).
            const keys = new Set(inputProperties(h.token));
            return { id, props: outs, inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => keys.has(k))) };
        },
        async delete(id, urn, props: Props) {
            const h = handler(urn);
            if (h.delete) await h.delete(id, reveal(withoutLegacy(props)).values);
        },
    };
}
