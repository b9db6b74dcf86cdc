// What OSK needs to know about each openstack-helm service chart, read from the charts' values.yaml at the pinned
// release line (2026.1.x): one file per chart under charts/. The shared builder (values.ts) derives everything
// else from these entries, so a chart that moves a key is fixed in its own file once.
import type { ChartWorkloads, ServiceName, Values, ValuesContext } from "../charts";
import type { OpenStackSettings } from "./args";
import { barbican } from "./charts/barbican";
import { cinder } from "./charts/cinder";
import { glance } from "./charts/glance";
import { heat } from "./charts/heat";
import { horizon } from "./charts/horizon";
import { keystone } from "./charts/keystone";
import { manila } from "./charts/manila";
import { neutron } from "./charts/neutron";
import { nova } from "./charts/nova";
import { octavia } from "./charts/octavia";
import { placement } from "./charts/placement";

/** A public API of a chart: helm-toolkit endpoint type, its Service and port, and the public host label. */
export interface PublicEndpoint {
    /** `endpoints.<type>` in the chart's values. */
    type: string;
    /** Left-most label of the public name: `<host>.<site domain>`. */
    host: string;
    /** Kubernetes Service the route sends traffic to. */
    service: string;
    port: number;
    /** Port name under `endpoints.<type>.port`. */
    portName: string;
    /** Path clients use, for the catalogue output. @default "/" */
    path?: string;
}

export interface ServiceChart {
    /** Every image the chart runs: `images.tags.<key>` -> pinned source reference. */
    images: Record<string, string>;
    /** Public APIs of the service. */
    endpoints: PublicEndpoint[];
    /** Keystone users the chart creates besides admin: keys of `endpoints.identity.auth`. */
    identityUsers: string[];
    /** Database endpoint blocks (`endpoints.<block>.auth`), each with its users -> credential name. */
    databases: Record<string, Record<string, string>>;
    /** Whether the chart talks AMQP (`endpoints.oslo_messaging`, `conf.<svc>.oslo_messaging_rabbit`). */
    messaging: boolean;
    /** Whether the chart reads `endpoints.oslo_cache.auth.memcache_secret_key` (random per render when unset). */
    memcacheKey: boolean;
    /** `pod.replicas.<key>` of the components scaled out in prod. */
    replicas: string[];
    /** `pod.lifecycle.disruption_budget.<key>` of the PDBs the chart renders. */
    disruptionBudgets: string[];
    /** Other literal-default secrets: value path -> credential name. */
    secrets: Record<string, string>;
    /** What the chart takes requests, limits and priority classes for, and which Deployments are its APIs. */
    workloads: ChartWorkloads;
    /** Node selectors OSK sets explicitly: `labels.<path>` -> role label. */
    placement: Record<string, RoleLabel>;
    /** Values only this chart gets, merged last over the shared ones. @default none */
    values?: <T>(ctx: ValuesContext<T, OpenStackSettings>) => Values;
}

export type RoleLabel = "openstack-control-plane" | "openstack-compute-node" | "openvswitch";

export const SERVICE_CHARTS: Record<ServiceName, ServiceChart> = { keystone, glance, placement, nova, neutron, cinder, horizon, heat, barbican, octavia, manila };
