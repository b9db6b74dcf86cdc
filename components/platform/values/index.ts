// The values of every chart the platform layer deploys, by chart name.
import type { ValuesBuilder } from "../../charts";
import type { PlatformSettings } from "../args";
import { cephAdapterValues, rookClusterValues, rookOperatorValues } from "./ceph";
import { libvirtValues } from "./libvirt";
import { localStorageValues } from "./local-storage";
import { mariadbValues } from "./mariadb";
import { memcachedValues } from "./memcached";
import { openvswitchValues } from "./openvswitch";
import { rabbitmqValues } from "./rabbitmq";

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

export { cephAdapterValues, libvirtValues, localStorageValues, mariadbValues, memcachedValues, openvswitchValues, rabbitmqValues, rookClusterValues, rookOperatorValues };
