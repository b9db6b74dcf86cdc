// The values of every chart the platform layer deploys, by chart name.
import { merge, workloadValues, type ChartImage, type ChartWorkloads, type ValuesBuilder, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";
import { CEPH_ADAPTER_IMAGES, CEPH_ADAPTER_WORKLOADS, cephAdapterValues, ROOK_CLUSTER_IMAGES, ROOK_OPERATOR_IMAGES, rookClusterValues, rookOperatorValues } from "./ceph";
import { LIBVIRT_IMAGES, LIBVIRT_WORKLOADS, libvirtValues } from "./libvirt";
import { LOCAL_STORAGE_IMAGES, localStorageValues } from "./local-storage";
import { MARIADB_IMAGES, MARIADB_WORKLOADS, mariadbValues } from "./mariadb";
import { MEMCACHED_IMAGES, MEMCACHED_WORKLOADS, memcachedValues } from "./memcached";
import { OPENVSWITCH_IMAGES, OPENVSWITCH_WORKLOADS, openvswitchValues } from "./openvswitch";
import { RABBITMQ_IMAGES, RABBITMQ_WORKLOADS, rabbitmqValues } from "./rabbitmq";

/** What each openstack-helm platform chart takes requests, limits and priority for, by chart name. The Rook charts
 * size their own pods and local-storage runs none. */
export const PLATFORM_WORKLOADS: Readonly<Record<string, ChartWorkloads>> = {
    mariadb: MARIADB_WORKLOADS,
    rabbitmq: RABBITMQ_WORKLOADS,
    memcached: MEMCACHED_WORKLOADS,
    openvswitch: OPENVSWITCH_WORKLOADS,
    libvirt: LIBVIRT_WORKLOADS,
    "ceph-adapter-rook": CEPH_ADAPTER_WORKLOADS,
};

/** A chart's own values with its resources and priority classes merged over them. */
function sized(chart: string, build: ValuesBuilder<PlatformSettings>): ValuesBuilder<PlatformSettings> {
    const table = PLATFORM_WORKLOADS[chart];
    return <T>(ctx: ValuesContext<T, PlatformSettings>) => (table ? merge(build(ctx), workloadValues(chart, table, ctx.site)) : build(ctx));
}

export const PLATFORM_VALUES: Readonly<Record<string, ValuesBuilder<PlatformSettings>>> = {
    mariadb: sized("mariadb", mariadbValues),
    rabbitmq: sized("rabbitmq", rabbitmqValues),
    memcached: sized("memcached", memcachedValues),
    openvswitch: sized("openvswitch", openvswitchValues),
    libvirt: sized("libvirt", libvirtValues),
    "local-storage": localStorageValues,
    "rook-ceph": rookOperatorValues,
    "rook-ceph-cluster": rookClusterValues,
    "ceph-adapter-rook": sized("ceph-adapter-rook", cephAdapterValues),
};

/** The images of every platform chart, by chart name: what the builders point at the mirror. */
export const PLATFORM_IMAGES: Readonly<Record<string, readonly ChartImage[]>> = {
    mariadb: MARIADB_IMAGES,
    rabbitmq: RABBITMQ_IMAGES,
    memcached: MEMCACHED_IMAGES,
    openvswitch: OPENVSWITCH_IMAGES,
    libvirt: LIBVIRT_IMAGES,
    "local-storage": LOCAL_STORAGE_IMAGES,
    "rook-ceph": ROOK_OPERATOR_IMAGES,
    "rook-ceph-cluster": ROOK_CLUSTER_IMAGES,
    "ceph-adapter-rook": CEPH_ADAPTER_IMAGES,
};

export { cephAdapterValues, libvirtValues, localStorageValues, mariadbValues, memcachedValues, openvswitchValues, rabbitmqValues, rookClusterValues, rookOperatorValues };
