// What every chart the site can deploy takes requests, limits and priority classes for, across both layers: the
// table the stack configuration checks `osk:workloads` against.
import { SERVICES, type ChartWorkloads } from "../components/charts";
import { SERVICE_CHARTS } from "../components/openstack/catalog";
import { PLATFORM_WORKLOADS } from "../components/platform/values";

export const CHART_WORKLOADS: Readonly<Record<string, ChartWorkloads>> = {
    ...PLATFORM_WORKLOADS,
    ...Object.fromEntries(SERVICES.map((svc) => [svc, SERVICE_CHARTS[svc].workloads])),
};
