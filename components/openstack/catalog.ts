// What OSK needs to know about each openstack-helm chart, read from the charts' values.yaml at the pinned
// release line (2026.1.x). The values builders derive everything else from this table, so a chart that moves a
// key is fixed here once.
import type { ServiceName } from "../../stacks/config/schema";

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
    /** Node selectors OSK sets explicitly: `labels.<path>` -> role label. */
    placement: Record<string, RoleLabel>;
}

export type RoleLabel = "openstack-control-plane" | "openstack-compute-node" | "openvswitch";

/** The metadata proxy secret must be one value in nova and neutron. */
const METADATA_SECRET = "metadata-proxy-shared-secret";

export const SERVICE_CHARTS: Record<ServiceName, ServiceChart> = {
    keystone: {
        endpoints: [{ type: "identity", host: "keystone", service: "keystone-api", port: 5000, portName: "api", path: "/v3" }],
        identityUsers: ["test"],
        databases: { oslo_db: { keystone: "keystone-db" } },
        messaging: true,
        memcacheKey: false,
        replicas: ["api"],
        disruptionBudgets: ["api"],
        secrets: {},
        placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    },
    glance: {
        endpoints: [{ type: "image", host: "glance", service: "glance-api", port: 9292, portName: "api" }],
        identityUsers: ["glance", "test"],
        databases: { oslo_db: { glance: "glance-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api"],
        disruptionBudgets: ["api"],
        secrets: { "endpoints.ceph_object_store.auth.glance.password": "glance-object-store" },
        placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    },
    placement: {
        endpoints: [{ type: "placement", host: "placement", service: "placement-api", port: 8778, portName: "api" }],
        identityUsers: ["placement"],
        // `nova_api` is the MySQL user nova: one user, one password across charts.
        databases: { oslo_db: { placement: "placement-db", nova_api: "nova-db" } },
        messaging: false,
        memcacheKey: true,
        replicas: ["api"],
        disruptionBudgets: ["api"],
        secrets: {},
        placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    },
    nova: {
        endpoints: [
            { type: "compute", host: "nova", service: "nova-api", port: 8774, portName: "api", path: "/v2.1" },
            { type: "compute_novnc_proxy", host: "novncproxy", service: "nova-novncproxy", port: 6080, portName: "novnc_proxy", path: "/vnc_auto.html" },
        ],
        identityUsers: ["nova", "service", "neutron", "ironic", "placement", "cinder", "test"],
        databases: {
            oslo_db: { nova: "nova-db" },
            oslo_db_cell0: { nova: "nova-db" },
            oslo_db_cell1: { nova: "nova-db" },
        },
        messaging: true,
        memcacheKey: true,
        replicas: ["osapi", "api_metadata", "conductor", "scheduler", "novncproxy"],
        disruptionBudgets: ["osapi", "metadata"],
        secrets: { "conf.nova.neutron.metadata_proxy_shared_secret": METADATA_SECRET },
        placement: {
            "agent.compute": "openstack-compute-node",
            osapi: "openstack-control-plane",
            conductor: "openstack-control-plane",
            scheduler: "openstack-control-plane",
            job: "openstack-control-plane",
        },
    },
    neutron: {
        endpoints: [{ type: "network", host: "neutron", service: "neutron-server", port: 9696, portName: "api" }],
        identityUsers: ["neutron", "nova", "placement", "designate", "ironic", "test"],
        databases: { oslo_db: { neutron: "neutron-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["server", "rpc_server"],
        disruptionBudgets: ["server"],
        secrets: {
            "conf.metadata_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
            "conf.ovn_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
            "conf.ovn_metadata_agent.DEFAULT.metadata_proxy_shared_secret": METADATA_SECRET,
        },
        placement: {
            ovs: "openvswitch",
            "agent.dhcp": "openstack-control-plane",
            "agent.l3": "openstack-control-plane",
            "agent.metadata": "openstack-control-plane",
            server: "openstack-control-plane",
            job: "openstack-control-plane",
        },
    },
    cinder: {
        endpoints: [{ type: "volumev3", host: "cinder", service: "cinder-api", port: 8776, portName: "api", path: "/v3" }],
        identityUsers: ["cinder", "glance", "nova", "swift", "service", "test"],
        databases: { oslo_db: { cinder: "cinder-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api", "scheduler"],
        disruptionBudgets: ["api"],
        secrets: {},
        placement: { api: "openstack-control-plane", volume: "openstack-control-plane", job: "openstack-control-plane" },
    },
    horizon: {
        endpoints: [{ type: "dashboard", host: "horizon", service: "horizon-int", port: 80, portName: "web" }],
        identityUsers: [],
        databases: { oslo_db: { horizon: "horizon-db" } },
        messaging: false,
        memcacheKey: false,
        replicas: ["server"],
        disruptionBudgets: ["horizon"],
        secrets: { "conf.horizon.local_settings.config.horizon_secret_key": "horizon-secret-key" },
        placement: { dashboard: "openstack-control-plane", job: "openstack-control-plane" },
    },
    heat: {
        endpoints: [
            { type: "orchestration", host: "heat", service: "heat-api", port: 8004, portName: "api", path: "/v1" },
            { type: "cloudformation", host: "cloudformation", service: "heat-cfn", port: 8000, portName: "api", path: "/v1" },
        ],
        identityUsers: ["heat", "heat_trustee", "heat_stack_user", "test"],
        databases: { oslo_db: { heat: "heat-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api", "cfn", "engine"],
        disruptionBudgets: ["api", "cfn"],
        secrets: {},
        placement: { api: "openstack-control-plane", engine: "openstack-control-plane", job: "openstack-control-plane" },
    },
    barbican: {
        endpoints: [{ type: "key_manager", host: "barbican", service: "barbican-api", port: 9311, portName: "api" }],
        identityUsers: ["barbican"],
        databases: { oslo_db: { barbican: "barbican-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api"],
        disruptionBudgets: ["api"],
        // Unset, barbican falls back to a well-known key-encryption key.
        secrets: { "conf.barbican.simple_crypto_plugin.kek": "barbican-kek" },
        placement: { api: "openstack-control-plane", job: "openstack-control-plane" },
    },
    octavia: {
        endpoints: [{ type: "load_balancer", host: "octavia", service: "octavia-api", port: 9876, portName: "api" }],
        identityUsers: ["octavia", "test"],
        databases: { oslo_db: { octavia: "octavia-db" }, oslo_db_persistence: { octavia: "octavia-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api"],
        disruptionBudgets: ["api"],
        secrets: {
            "conf.octavia.health_manager.heartbeat_key": "octavia-heartbeat-key",
            "conf.octavia.certificates.ca_private_key_passphrase": "octavia-ca-passphrase",
        },
        // Upstream places the worker, health manager and driver agent on `openstack-network-node`, a label OSK
        // does not manage; the control-plane nodes carry Open vSwitch and serve as network nodes.
        placement: {
            api: "openstack-control-plane",
            worker: "openstack-control-plane",
            health_manager: "openstack-control-plane",
            driver_agent: "openstack-control-plane",
            job: "openstack-control-plane",
        },
    },
    manila: {
        endpoints: [{ type: "sharev2", host: "manila", service: "manila-api", port: 8786, portName: "api", path: "/v2" }],
        identityUsers: ["manila", "test"],
        databases: { oslo_db: { manila: "manila-db" } },
        messaging: true,
        memcacheKey: true,
        replicas: ["api", "scheduler"],
        disruptionBudgets: ["api"],
        secrets: { "conf.manila.generic.service_instance_password": "manila-service-instance" },
        placement: { api: "openstack-control-plane", share: "openstack-control-plane", job: "openstack-control-plane" },
    },
};

/** Release names are the chart names: consumers find `rabbitmq-rabbitmq`, `mariadb`, `memcached` by them. */
export const RABBITMQ_STATEFULSET = "rabbitmq-rabbitmq";
export const OPENSTACK_NAMESPACE = "openstack";
