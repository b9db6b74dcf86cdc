// Every chart OSK can deploy, where each runs and the names other charts find it by. One table for every layer:
// the platform and OpenStack layers, the stack configuration and the policy pack read chart names from here.

/** Infrastructure charts every site runs. */
export const INFRA_CHARTS = ["mariadb", "rabbitmq", "memcached", "openvswitch", "libvirt"] as const;
/** The charts behind StorageClass `general`, per storage backend. */
export const STORAGE_CHARTS = { ceph: ["rook-ceph", "rook-ceph-cluster", "ceph-adapter-rook"], local: ["local-storage"] } as const;
/** OpenStack service charts, deployed when enabled. */
export const SERVICES = ["keystone", "glance", "placement", "nova", "neutron", "cinder", "horizon", "heat", "barbican", "octavia", "manila"] as const;
export const KNOWN_CHARTS: readonly string[] = [...INFRA_CHARTS, ...STORAGE_CHARTS.ceph, ...STORAGE_CHARTS.local, ...SERVICES];

export type ServiceName = (typeof SERVICES)[number];
export type StorageBackend = keyof typeof STORAGE_CHARTS;

/** Every chart a site deploys, in no particular order. */
export function chartsToDeploy(backend: StorageBackend, services: readonly ServiceName[]): string[] {
    return [...STORAGE_CHARTS[backend], ...INFRA_CHARTS, ...services];
}

/** Namespace of every openstack-helm release. */
export const OPENSTACK_NAMESPACE = "openstack";
export const ROOK_NAMESPACE = "rook-ceph";
export const CEPH_NAMESPACE = "ceph";
/** The StorageClass every openstack-helm StatefulSet asks for. */
export const STORAGE_CLASS = "general";
/** Release names are the chart names: consumers find `rabbitmq-rabbitmq`, `mariadb`, `memcached` by them. */
export const RABBITMQ_STATEFULSET = "rabbitmq-rabbitmq";
