// The values OSK gives the openvswitch chart: the daemons run on the nodes labelled `openvswitch`.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, imageRegistryAuth, selectNodes, type Values, type ValuesContext, type ChartWorkloads } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const OPENVSWITCH_IMAGES: ChartImage[] = imageTags({
    openvswitch_db_server: "quay.io/airshipit/openvswitch:latest-ubuntu_noble",
    openvswitch_vswitchd: "quay.io/airshipit/openvswitch:latest-ubuntu_noble",
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** What the chart takes resources for: both daemons of its one DaemonSet, whose class it reads as `openvswitch`. */
export const OPENVSWITCH_WORKLOADS: ChartWorkloads = {
    workloads: [
        { resources: "ovs.db", tier: "agent", priority: "openvswitch" },
        { resources: "ovs.vswitchd", tier: "agent", priority: "openvswitch" },
    ],
    jobs: ["image_repo_sync"],
};

export function openvswitchValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(OPENVSWITCH_IMAGES, ctx.site.site.registry), {
        labels: { ovs: selectNodes("openvswitch") },
        endpoints: imageRegistryAuth("openvswitch", ctx.secret, ctx.site.site.registry),
    });
}
