// The values OSK gives the openvswitch chart: the daemons run on the nodes labelled `openvswitch`.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, imageRegistryAuth, selectNodes, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const OPENVSWITCH_IMAGES: ChartImage[] = imageTags({
    openvswitch_db_server: "quay.io/airshipit/openvswitch:latest-ubuntu_noble",
    openvswitch_vswitchd: "quay.io/airshipit/openvswitch:latest-ubuntu_noble",
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

export function openvswitchValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(OPENVSWITCH_IMAGES, ctx.site.site.registry), {
        labels: { ovs: selectNodes("openvswitch") },
        endpoints: imageRegistryAuth("openvswitch", ctx.secret, ctx.site.site.registry),
    });
}
