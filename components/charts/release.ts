// One place that turns a chart name into a Helm release: source (repository or local directory), the exact pinned
// version, and the settings every openstack-helm release needs.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { accessSync, constants } from "fs";
import { delimiter, join } from "path";
import type { ChartsConfig } from "./args";
import { UNSET_REPLICAS_POSTRENDERER } from "./postrender";

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
    /** The chart's autoscaled workloads get no replica count (their HPAs own it): the release runs Helm's
     * post-renderer that removes the null count the chart renders (./postrender.ts). @default false */
    unsetReplicas?: boolean;
}

/** Whether `command` is an executable file on PATH (or, with a slash, at that path). */
export function onPath(command: string, path = process.env.PATH ?? ""): boolean {
    const candidates = command.includes("/") ? [command] : path.split(delimiter).filter(Boolean).map((d) => join(d, command));
    return candidates.some((c) => {
        try {
            accessSync(c, constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

/** The Release arguments for a chart, from the site's chart sources and pins. */
export function releaseArgs(charts: ChartsConfig, spec: ReleaseSpec): k8s.helm.v3.ReleaseArgs {
    const version = charts.versions[spec.chart];
    if (!version) throw new Error(`chart "${spec.chart}" has no pinned version`);
    const source = charts.sourceOverrides[spec.chart] ?? charts.source;
    if (spec.unsetReplicas && !onPath(UNSET_REPLICAS_POSTRENDERER)) {
        throw new Error(`release ${spec.chart}: its autoscaled Deployments need the Helm post-renderer ${UNSET_REPLICAS_POSTRENDERER} on PATH (this repository's bin/, which ./osk puts there); allowed: bin/ on PATH, or osk:workloads.autoscaling.enabled: false`);
    }
    const common = {
        name: spec.releaseName ?? spec.chart,
        version,
        namespace: spec.namespace,
        values: spec.values,
        ...(spec.unsetReplicas ? { postrender: UNSET_REPLICAS_POSTRENDERER } : {}),
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
