// The values of every chart the platform layer deploys, by chart name.
import type { ChartImage, ValuesBuilder } from "../../charts";
import type { PlatformSettings } from "../args";
import { CEPH_ADAPTER_IMAGES, cephAdapterValues, ROOK_CLUSTER_IMAGES, ROOK_OPERATOR_IMAGES, rookClusterValues, rookOperatorValues } from "./ceph";
import { LIBVIRT_IMAGES, libvirtValues } from "./libvirt";
import { LOCAL_STORAGE_IMAGES, localStorageValues } from "./local-storage";
import { MARIADB_IMAGES, mariadbValues } from "./mariadb";
import { MEMCACHED_IMAGES, memcachedValues } from "./memcached";
import { OPENVSWITCH_IMAGES, openvswitchValues } from "./openvswitch";
import { RABBITMQ_IMAGES, rabbitmqValues } from "./rabbitmq";

export const PLATFORM_VALUES: Readonly<Record<string, ValuesBuilder<PlatformSettings>>> = {
    mariadb: mariadbValues,
    rabbitmq: rabbitmqValues,
    memcached: memcachedValues,
    openvswitch: openvswitchValues,
    libvirt: libvirtValues,
    "local-storage": localStorageValues,
    "rook-ceph": rookOperatorValues,
    "rook-ceph-cluster": rookClusterValues,
    "ceph-adapter-rook": cephAdapterValues,
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
