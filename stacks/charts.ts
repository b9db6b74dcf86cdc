// The site model as the chart layers take it: what chart values depend on, each layer's settings, the one plan
// both layers share, and every credential the site's charts ask for. Pure: validation and composition both use it.
import { chartsToDeploy, deployPlan, type ChartSite, type PlanStep, type Values } from "../components/charts";
import type { OpenStackSettings } from "../components/openstack/args";
import { OPENSTACK_VALUES } from "../components/openstack/values";
import type { PlatformSettings } from "../components/platform/args";
import { PLATFORM_VALUES } from "../components/platform/values";
import type { Model } from "./config/model";

export function chartSite(m: Model): ChartSite {
    return { site: m.site, controlPlaneNodes: m.nodeRoles.controlPlane.length, storageBackend: m.platform.storage.backend, workloads: m.workloads };
}

export function platformSettings(m: Model): PlatformSettings {
    return { storage: m.platform.storage, gateway: m.platform.gateway };
}

export function openstackSettings(m: Model): OpenStackSettings {
    return { services: m.openstack.services, neutron: m.openstack.neutron, gateway: m.platform.gateway };
}

/** The site's deployment plan, across both layers (serial mode orders releases across them). */
export function sitePlan(m: Model): PlanStep[] {
    return deployPlan({ storageBackend: m.platform.storage.backend, services: m.openstack.services, serialReleases: m.platform.serialReleases });
}

/** The values a chart of this site gets, whichever layer deploys it. */
export function siteChartValues<T>(m: Model, chart: string, secret: (name: string) => T): Values {
    const site = chartSite(m);
    if (chart in PLATFORM_VALUES) return PLATFORM_VALUES[chart]({ site, settings: platformSettings(m), secret });
    if (chart in OPENSTACK_VALUES) return OPENSTACK_VALUES[chart]({ site, settings: openstackSettings(m), secret });
    throw new Error(`no values builder for chart "${chart}"`);
}

/** Every credential the site's charts ask for, found by running their builders with a recorder. */
export function siteCredentialNames(m: Model): string[] {
    const names = new Set<string>();
    for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) siteChartValues(m, chart, (n) => (names.add(n), n));
    return [...names].sort();
}
