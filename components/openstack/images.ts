// The images openstack-helm's service charts run at the pinned 2026.1.x line (each chart's `images.tags`), by
// what they are: the service's own image, the OpenStack client the setup Jobs use, and the helpers every chart
// shares. Each chart's file lists its keys with these.
import { OSH_IMAGES } from "../charts";

const AIRSHIP = "quay.io/airshipit";
const RELEASE = "2026.1-ubuntu_noble";

/** The service's own image at the pinned release, e.g. `service("nova")`. */
export const service = (name: string) => `${AIRSHIP}/${name}:${RELEASE}`;
/** The OpenStack client the db-init, db-drop, ks-* and bootstrap Jobs run. */
export const CLIENT = OSH_IMAGES.client;
/** The init container that waits for a pod's dependencies. */
export const DEP_CHECK = OSH_IMAGES.depCheck;
/** The Job that copies images into a local registry (off by default, still a key the chart renders from). */
export const IMAGE_REPO_SYNC = "docker.io/docker:17.07.0";
/** The Job that creates the service's RabbitMQ user and vhost. */
export const RABBIT_INIT = "docker.io/rabbitmq:4.3.5-management";
/** The Rally image of `helm test`. */
export const RALLY = "docker.io/xrally/xrally-openstack:2.0.0";
/** The Ceph client the storage-init Jobs run. */
export const CEPH_HELPER = `${AIRSHIP}/ceph-config-helper:latest-ubuntu_jammy`;

/** The keys every service chart with a database, a Keystone user and an AMQP user has. */
export function commonJobs(opts: { service?: boolean; endpoints?: boolean; rabbit?: boolean } = {}): Record<string, string> {
    return {
        dep_check: DEP_CHECK,
        image_repo_sync: IMAGE_REPO_SYNC,
        db_init: CLIENT,
        db_drop: CLIENT,
        ks_user: CLIENT,
        ...(opts.service !== false ? { ks_service: CLIENT } : {}),
        ...(opts.endpoints !== false ? { ks_endpoints: CLIENT } : {}),
        ...(opts.rabbit !== false ? { rabbit_init: RABBIT_INIT } : {}),
    };
}
