// A deployment plan step as a resource: a Helm release of its chart, or a readiness gate on what it watches.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ReadinessGate } from "../k8s/readiness";
import type { ChartsConfig } from "./args";
import type { PlanStep } from "./plan";
import { releaseArgs } from "./release";
import type { Values } from "./values";

export interface StepContext {
    /** Chart sources and pins. */
    charts: ChartsConfig;
    /** The chart's values, by chart name (Outputs where they carry credentials). */
    values: (chart: string) => pulumi.Input<Values>;
    /** The cluster the releases go to. Required: default providers are disabled. */
    provider: k8s.Provider;
    /** Kubeconfig of the same cluster, for the readiness gates (secret). */
    kubeconfig: pulumi.Input<string>;
    parent: pulumi.Resource;
    dependsOn: pulumi.Resource[];
    /** Protect the release from deletion (data-holding charts in prod). @default false */
    protect?: (chart: string) => boolean;
}

/** The resource of one plan step, named `${prefix}-${step.id}`. */
export function createStep(prefix: string, step: PlanStep, ctx: StepContext): pulumi.Resource {
    const opts = { parent: ctx.parent, dependsOn: ctx.dependsOn };
    if (step.kind === "gate") {
        return new ReadinessGate(`${prefix}-${step.id}`, { kubeconfig: ctx.kubeconfig, targets: step.targets ?? [] }, opts);
    }
    const chart = step.chart!;
    return new k8s.helm.v3.Release(
        `${prefix}-${step.id}`,
        releaseArgs(ctx.charts, { chart, namespace: step.namespace, values: ctx.values(chart), releaseName: step.releaseName }),
        { ...opts, provider: ctx.provider, protect: ctx.protect?.(chart) ?? false },
    );
}
