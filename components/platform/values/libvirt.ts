// The values OSK gives the libvirt chart: on compute nodes, Open vSwitch networking, Ceph when the site has it.
import { imageRegistryAuth, selectNodes, usesCeph, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

export function libvirtValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return {
        labels: { agent: { libvirt: selectNodes("openstack-compute-node") } },
        network: { backend: ["openvswitch"] },
        conf: { ceph: { enabled: usesCeph(ctx.site) } },
        endpoints: imageRegistryAuth("libvirt", ctx.secret),
    };
}
