// The values every OpenStack service chart gets from OSK: generated credentials for every literal default,
// HA replicas and disruption budgets, node placement, and public exposure through the site's gateway. What only
// one chart gets is in that chart's file under charts/.
import { adminIdentity, clusterReplicas, imageRegistryAuth, imageTags, mirroredImageValues, merge, nodeSelectors, OPENSTACK_NAMESPACE, RABBITMQ_STATEFULSET, serviceReplicas, setPath, type ChartImage, type ChartSite, type ServiceName, type Values, type ValuesBuilder, type ValuesContext, workloadValues } from "../charts";
import type { GatewayConfig } from "../platform/args";
import type { OpenStackSettings } from "./args";
import { SERVICE_CHARTS, type PublicEndpoint } from "./catalog";

/** The public name of an endpoint: `<host>.<site domain>`. */
export function publicHost(site: ChartSite, ep: PublicEndpoint): string {
    return `${ep.host}.${site.site.domain}`;
}

/** Public exposure: the endpoint's public FQDN, https on 443, and a route or ingress in `extraObjects` (map form). */
function exposure(site: ChartSite, gw: GatewayConfig, ep: PublicEndpoint): Values {
    const host = publicHost(site, ep);
    const name = `${ep.service}-public`;
    const object =
        gw.kind === "gateway"
            ? {
                  apiVersion: "gateway.networking.k8s.io/v1",
                  kind: "HTTPRoute",
                  metadata: { name },
                  spec: {
                      parentRefs: [{ name: gw.className, namespace: OPENSTACK_NAMESPACE, sectionName: "https" }],
                      hostnames: [host],
                      rules: [{ backendRefs: [{ name: ep.service, port: ep.port }] }],
                  },
              }
            : {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "Ingress",
                  metadata: { name },
                  spec: {
                      ingressClassName: gw.className,
                      tls: [{ hosts: [host], secretName: gw.tlsSecretName }],
                      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: ep.service, port: { number: ep.port } } } }] } }],
                  },
              };
    return {
        endpoints: {
            [ep.type]: {
                host_fqdn_override: { public: { host } },
                scheme: { public: "https" },
                port: { [ep.portName]: { public: 443 } },
            },
        },
        extraObjects: { [`osk_${ep.type}_public`]: object },
    };
}

/** Values for one OpenStack service chart. */
export function serviceValues<T>(svc: ServiceName, ctx: ValuesContext<T, OpenStackSettings>): Values {
    const m = ctx.site;
    const chart = SERVICE_CHARTS[svc];
    const replicas = serviceReplicas(m);
    // Every image from the site's mirror, when it has one.
    let v: Values = merge(nodeSelectors(chart.placement), mirroredImageValues(imageTags(chart.images), m.site.registry));

    // Credentials: every literal default the chart ships is replaced by a generated one.
    const identity: Values = { admin: adminIdentity(m, ctx.secret) };
    for (const user of chart.identityUsers) {
        identity[user] = { region_name: m.site.region, password: ctx.secret(`${svc}-keystone-${user.replace(/_/g, "-")}`) };
    }
    const endpoints: Values = { identity: { auth: identity }, ...imageRegistryAuth(svc, ctx.secret, m.site.registry) };
    for (const [block, users] of Object.entries(chart.databases)) {
        const auth: Values = { admin: { password: ctx.secret("mariadb-root") } };
        for (const [user, cred] of Object.entries(users)) auth[user] = { password: ctx.secret(cred) };
        endpoints[block] = { auth };
    }
    if (chart.messaging) {
        endpoints.oslo_messaging = {
            auth: { admin: { username: "rabbitmq", password: ctx.secret("rabbitmq-admin") }, [svc]: { password: ctx.secret(`${svc}-rabbitmq`) } },
            // Clients list every broker pod; the count and name must match the rabbitmq release.
            statefulset: { replicas: clusterReplicas(m), name: RABBITMQ_STATEFULSET },
        };
        // RabbitMQ 4 has no mirrored queues: quorum queues are what survive a broker loss.
        setPath(v, `conf.${svc}.oslo_messaging_rabbit.rabbit_quorum_queues`, true);
    }
    if (chart.memcacheKey) {
        // Unset, the charts put a random key in every render: pods would roll on every `pulumi up`.
        endpoints.oslo_cache = { auth: { memcache_secret_key: ctx.secret("memcache-secret-key") } };
    }
    v = merge(v, { endpoints });
    for (const [path, cred] of Object.entries(chart.secrets)) setPath(v, path, ctx.secret(cred));

    // HA: replicas everywhere, and budgets that keep one replica up during drains.
    for (const key of chart.replicas) setPath(v, `pod.replicas.${key}`, replicas);
    for (const key of chart.disruptionBudgets) setPath(v, `pod.lifecycle.disruption_budget.${key}.min_available`, Math.max(0, replicas - 1));

    // Resources and priority classes; under an autoscaler the APIs' replicas are the HPA's, not the chart's.
    v = merge(v, workloadValues(svc, chart.workloads, m));

    for (const ep of chart.endpoints) v = merge(v, exposure(m, ctx.settings.gateway, ep));
    return merge(v, chart.values?.(ctx) ?? {});
}

/** The values builders of the OpenStack service charts, by chart name. */
export const OPENSTACK_VALUES: Readonly<Record<string, ValuesBuilder<OpenStackSettings>>> = Object.fromEntries(
    (Object.keys(SERVICE_CHARTS) as ServiceName[]).map((svc) => [svc, <T>(ctx: ValuesContext<T, OpenStackSettings>) => serviceValues(svc, ctx)]),
);

/** The images of every OpenStack service chart, by chart name: what the shared builder points at the mirror. */
export const OPENSTACK_IMAGES: Readonly<Record<string, readonly ChartImage[]>> = Object.fromEntries(
    (Object.keys(SERVICE_CHARTS) as ServiceName[]).map((svc) => [svc, imageTags(SERVICE_CHARTS[svc].images)]),
);
