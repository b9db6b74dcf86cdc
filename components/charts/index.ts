// The one chart mechanism every Helm-deployed layer shares: the catalogue of charts, their sources and pins,
// release arguments, the deployment plan and its gates, and the values helpers.
export { chartsSchema, type ChartsConfig } from "./args";
export * from "./catalog";
export { deployPlan, planEdges, serialize, UPSTREAM_ORDER, type PlanSettings, type PlanStep } from "./plan";
export { onPath, RELEASE_TIMEOUT_SECONDS, releaseArgs, type ReleaseSpec } from "./release";
export { UNSET_REPLICAS, UNSET_REPLICAS_POSTRENDERER, unsetNullReplicas } from "./postrender";
export { createStep, type StepContext } from "./step";
export * from "./values";
export * from "./images";
export * from "./workloads";
