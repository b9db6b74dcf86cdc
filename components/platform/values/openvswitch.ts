// The values OSK gives the openvswitch chart: the daemons run on the nodes labelled `openvswitch`.
import { imageRegistryAuth, selectNodes, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

export function openvswitchValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return {
        labels: { ovs: selectNodes("openvswitch") },
        endpoints: imageRegistryAuth("openvswitch", ctx.secret),
    };
}
