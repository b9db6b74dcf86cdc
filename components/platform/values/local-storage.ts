// The values OSK gives the local-storage chart (dev storage): released as `general`, it makes the StorageClass
// and the local volumes.
import { merge, mirroredImageValues, type ChartImage, imageRegistryAuth, selectNodes, STORAGE_CLASS, type Values, type ValuesContext } from "../../charts";
import type { PlatformSettings } from "../args";

/** The chart runs no image of its own: it creates the StorageClass and the local PersistentVolumes only. */
export const LOCAL_STORAGE_IMAGES: ChartImage[] = [];

export function localStorageValues<T>(ctx: ValuesContext<T, PlatformSettings>): Values {
    const volumes = Array.from({ length: 10 }, (_, i) => ({
        name: `${STORAGE_CLASS}-${i}`,
        storage_capacity: "20Gi",
        access_modes: ["ReadWriteOnce"],
        local_path: `/var/lib/openstack-helm/local-storage/${STORAGE_CLASS}-${i}`,
        // No provisioner can delete local volumes; data stays until an operator removes it.
        reclaim_policy: "Retain",
    }));
    return merge(mirroredImageValues(LOCAL_STORAGE_IMAGES, ctx.site.site.registry), {
        labels: { node_affinity: selectNodes("openstack-control-plane") },
        conf: { persistent_volumes: volumes },
        endpoints: imageRegistryAuth("local-storage", ctx.secret, ctx.site.site.registry),
    });
}
