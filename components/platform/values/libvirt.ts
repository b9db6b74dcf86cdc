// The values OSK gives the libvirt chart: on compute nodes, Open vSwitch networking, Ceph when the site has it.
import { merge, imageTags, mirroredImageValues, OSH_IMAGES, type ChartImage, imageRegistryAuth, selectNodes, usesCeph, type Values, type ValuesContext, type ChartWorkloads } from "../../charts";
import type { PlatformSettings } from "../args";

/** Every key of the chart's `images.tags` at the pinned 2026.1.x line: the site's mirror replaces each one. */
export const LIBVIRT_IMAGES: ChartImage[] = imageTags({
    libvirt: "quay.io/airshipit/libvirt:2026.1-ubuntu_noble",
    ceph_config_helper: OSH_IMAGES.cephConfigHelper,
    // Upstream leaves this one on a moving tag; the mirror copies whatever the site pinned it to.
    kubectl: "docker.io/bitnami/kubectl:latest",
    dep_check: OSH_IMAGES.depCheck,
    image_repo_sync: OSH_IMAGES.infraImageRepoSync,
});

/** What the chart takes resources for; it reads no `pod.priorityClassName`: helm-toolkit's DaemonSet overrides
 * name its default DaemonSet `libvirt-libvirt-default`, and that gets its class by a patch. */
export const LIBVIRT_WORKLOADS: ChartWorkloads = {
    workloads: [{ resources: "libvirt", tier: "agent", object: { kind: "DaemonSet", name: "libvirt-libvirt-default" } }],
    jobs: ["image_repo_sync"],
};

export function libvirtValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    return merge(mirroredImageValues(LIBVIRT_IMAGES, ctx.site.site.registry), {
        labels: { agent: { libvirt: selectNodes("openstack-compute-node") } },
        network: { backend: ["openvswitch"] },
        conf: { ceph: { enabled: usesCeph(ctx.site) } },
        endpoints: imageRegistryAuth("libvirt", ctx.secret, ctx.site.site.registry),
    });
}
