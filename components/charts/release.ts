// One place that turns a chart name into a Helm release: source (repository or local directory), the exact pinned
// version, and the settings every openstack-helm release needs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { join } from "path";
import { stringify } from "yaml";
import type { ChartsConfig } from "./args";
import { setPath, type Values } from "./values";

/** Helm's own wait is off: openstack-helm setup Jobs are post-install hooks and pods wait for them, so waiting on
 * pods before hooks run deadlocks. Hooks still run to completion inside the release, within this timeout. */
export const RELEASE_TIMEOUT_SECONDS = 1800;

export interface ReleaseSpec {
    /** Chart name; also the release name (consumers find Services and StatefulSets by it). */
    chart: string;
    /** Release name when it must differ from the chart (local-storage names its StorageClass after it). */
    releaseName?: string;
    namespace: string;
    values: pulumi.Input<Record<string, unknown>>;
}

/** Dotted paths of the null leaves of a plain values tree (Outputs and arrays are not walked). */
export function nullPaths(values: unknown, prefix = ""): string[] {
    if (!values || typeof values !== "object" || Array.isArray(values) || Object.getPrototypeOf(values) !== Object.prototype) return [];
    return Object.entries(values).flatMap(([k, v]) => (v === null ? [`${prefix}${k}`] : nullPaths(v, `${prefix}${k}.`)));
}

/** The values file that carries a release's nulls to Helm (which then drops the chart's default for the key): the
 * provider strips nulls from inline values, but keeps them from values files with allowNullValues. */
export function nullValuesFile(paths: readonly string[]): string {
    const tree: Values = {};
    for (const p of paths) setPath(tree, p, null);
    return stringify(tree);
}

/** The Release arguments for a chart, from the site's chart sources and pins. */
export function releaseArgs(charts: ChartsConfig, spec: ReleaseSpec): k8s.helm.v3.ReleaseArgs {
    const version = charts.versions[spec.chart];
    if (!version) throw new Error(`chart "${spec.chart}" has no pinned version`);
    const source = charts.sourceOverrides[spec.chart] ?? charts.source;
    const nulls = nullPaths(spec.values);
    const common = {
        name: spec.releaseName ?? spec.chart,
        version,
        namespace: spec.namespace,
        values: spec.values,
        ...(nulls.length > 0 ? { allowNullValues: true, valueYamlFiles: [new pulumi.asset.StringAsset(nullValuesFile(nulls))] } : {}),
        skipAwait: true,
        timeout: RELEASE_TIMEOUT_SECONDS,
        maxHistory: 10,
        // A failed upgrade is fixed forward by the next `pulumi up`, not rolled back behind the operator's back.
        atomic: false,
        cleanupOnFail: false,
    };
    return "repository" in source
        ? { ...common, chart: spec.chart, repositoryOpts: { repo: source.repository } }
        : { ...common, chart: join(source.directory, spec.chart) };
}
