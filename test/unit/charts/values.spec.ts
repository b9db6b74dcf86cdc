// The values OSK hands each chart: HA in prod, Neutron from the site, placement on the right nodes, no chart
// default credential left, and committed snapshots so a values change reads as a diff in review.
import { strict as assert } from "assert";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { SERVICE_CHARTS } from "../../../components/openstack/catalog";
import { chartsToDeploy, UNSET_REPLICAS, type ServiceName, type Values } from "../../../components/charts";
import { siteChartValues, siteCredentialNames } from "../../../stacks/charts";
import type { Model } from "../../../stacks/config/model";
import { model } from "../../helpers/models";

const redacted = (name: string) => `<secret:${name}>`;
const chartValues = (chart: string, ctx: { model: Model; secret: (n: string) => string }) => siteChartValues(ctx.model, chart, ctx.secret);
const values = (stack: string, chart: string): any => chartValues(chart, { model: model(stack), secret: redacted });
const get = (v: any, path: string) => path.split(".").reduce((o, k) => (o === undefined ? undefined : o[k]), v);

/**
 * Every value path that ships with a literal default credential in the charts' values.yaml (2026.1.x), read from
 * upstream. OSK must set each one to a generated secret.
 */
const UPSTREAM_SECRET_PATHS: Record<string, string[]> = {
    keystone: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.test.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.keystone.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.keystone.password", "endpoints.oci_image_registry.auth.keystone.password"],
    glance: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.glance.password", "endpoints.identity.auth.test.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.glance.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.glance.password", "endpoints.ceph_object_store.auth.glance.password", "endpoints.oslo_cache.auth.memcache_secret_key"],
    placement: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.placement.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.placement.password", "endpoints.oslo_db.auth.nova_api.password", "endpoints.oslo_cache.auth.memcache_secret_key"],
    nova: [
        ...["admin", "nova", "service", "neutron", "ironic", "placement", "cinder", "test"].map((u) => `endpoints.identity.auth.${u}.password`),
        ...["oslo_db", "oslo_db_cell0", "oslo_db_cell1"].flatMap((b) => [`endpoints.${b}.auth.admin.password`, `endpoints.${b}.auth.nova.password`]),
        "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.nova.password", "conf.nova.neutron.metadata_proxy_shared_secret",
    ],
    neutron: [
        ...["admin", "neutron", "nova", "placement", "designate", "ironic", "test"].map((u) => `endpoints.identity.auth.${u}.password`),
        "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.neutron.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.neutron.password",
        "conf.metadata_agent.DEFAULT.metadata_proxy_shared_secret", "conf.ovn_agent.DEFAULT.metadata_proxy_shared_secret", "conf.ovn_metadata_agent.DEFAULT.metadata_proxy_shared_secret",
    ],
    cinder: [...["admin", "cinder", "glance", "nova", "swift", "service", "test"].map((u) => `endpoints.identity.auth.${u}.password`), "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.cinder.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.cinder.password"],
    horizon: ["endpoints.identity.auth.admin.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.horizon.password", "conf.horizon.local_settings.config.horizon_secret_key"],
    heat: [...["admin", "heat", "heat_trustee", "heat_stack_user", "test"].map((u) => `endpoints.identity.auth.${u}.password`), "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.heat.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.heat.password"],
    barbican: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.barbican.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.barbican.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.barbican.password", "conf.barbican.simple_crypto_plugin.kek"],
    octavia: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.octavia.password", "endpoints.identity.auth.test.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.octavia.password", "endpoints.oslo_db_persistence.auth.admin.password", "endpoints.oslo_db_persistence.auth.octavia.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.octavia.password", "conf.octavia.health_manager.heartbeat_key", "conf.octavia.certificates.ca_private_key_passphrase"],
    manila: ["endpoints.identity.auth.admin.password", "endpoints.identity.auth.manila.password", "endpoints.identity.auth.test.password", "endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.manila.password", "endpoints.oslo_messaging.auth.admin.password", "endpoints.oslo_messaging.auth.manila.password", "conf.manila.generic.service_instance_password"],
    mariadb: ["endpoints.oslo_db.auth.admin.password", "endpoints.oslo_db.auth.sst.password", "endpoints.oslo_db.auth.audit.password", "endpoints.oslo_db.auth.exporter.password", "endpoints.identity.auth.admin.password", "endpoints.identity.auth.mariadb.password"],
    rabbitmq: ["endpoints.oslo_messaging.auth.user.password", "endpoints.oslo_messaging.auth.guest.password", "endpoints.oslo_messaging.auth.erlang_cookie"],
};

function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (v && typeof v === "object") return Object.values(v).flatMap(strings);
    return [];
}

describe("chart values", () => {
    it("replace every credential the charts ship with a generated secret", () => {
        for (const [chart, paths] of Object.entries(UPSTREAM_SECRET_PATHS)) {
            const v = values("prod", chart);
            for (const p of paths) assert.match(String(get(v, p)), /^<secret:[a-z0-9-]+>$/, `${chart}: ${p}`);
        }
    });

    it("leave no literal default password anywhere", () => {
        for (const stack of ["dev", "prod"]) {
            const m = model(stack);
            for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) {
                for (const s of strings(values(stack, chart))) assert.notEqual(s.toLowerCase(), "password", `${stack} ${chart}`);
            }
        }
    });

    it("share one credential where two charts meet: admin, database root, broker admin, metadata secret, nova's DB user", () => {
        const nova = values("prod", "nova");
        const neutron = values("prod", "neutron");
        const placement = values("prod", "placement");
        assert.equal(nova.conf.nova.neutron.metadata_proxy_shared_secret, neutron.conf.metadata_agent.DEFAULT.metadata_proxy_shared_secret);
        assert.equal(placement.endpoints.oslo_db.auth.nova_api.password, nova.endpoints.oslo_db.auth.nova.password);
        assert.equal(values("prod", "mariadb").endpoints.oslo_db.auth.admin.password, nova.endpoints.oslo_db_cell1.auth.admin.password);
        assert.equal(values("prod", "rabbitmq").endpoints.oslo_messaging.auth.user.password, neutron.endpoints.oslo_messaging.auth.admin.password);
        assert.equal(values("prod", "keystone").endpoints.identity.auth.admin.password, nova.endpoints.identity.auth.admin.password);
    });

    it("prod: Galera with 3 servers and a budget that keeps quorum; RabbitMQ with 3 and Kubernetes peer discovery", () => {
        const db = values("prod", "mariadb");
        assert.equal(db.pod.replicas.server, 3);
        assert.equal(db.pod.lifecycle.disruption_budget.mariadb.min_available, 2);
        const mq = values("prod", "rabbitmq");
        assert.equal(mq.pod.replicas.server, 3);
        assert.equal(mq.conf.rabbitmq.cluster_formation.peer_discovery_backend, "rabbit_peer_discovery_k8s");
        assert.equal(mq.conf.rabbitmq.cluster_partition_handling, "autoheal");
    });

    it("prod: every API and worker above one replica, budgets keeping one up, quorum queues, clients listing 3 brokers", () => {
        const m = model("prod");
        for (const svc of m.openstack.services) {
            const chart = SERVICE_CHARTS[svc as ServiceName];
            const v = values("prod", svc);
            // An API under an HPA gets no count (the empty value; its release's post-renderer drops the rendered null):
            // the HPA's minimum is the HA count.
            const scaled = chart.workloads.workloads.flatMap((w) => (w.autoscale ? [w.autoscale] : []));
            for (const r of chart.replicas) assert.ok(scaled.includes(r) ? v.pod.replicas[r] === UNSET_REPLICAS : v.pod.replicas[r] >= 2, `${svc} ${r}`);
            for (const b of chart.disruptionBudgets) assert.ok(v.pod.lifecycle.disruption_budget[b].min_available >= 1, `${svc} pdb ${b}`);
            if (chart.messaging) {
                assert.equal(v.conf[svc].oslo_messaging_rabbit.rabbit_quorum_queues, true, svc);
                assert.deepEqual(v.endpoints.oslo_messaging.statefulset, { replicas: 3, name: "rabbitmq-rabbitmq" });
            }
        }
    });

    it("dev: single replicas and no budget that would block a drain of the one node", () => {
        assert.equal(values("dev", "mariadb").pod.replicas.server, 1);
        assert.equal(values("dev", "mariadb").pod.lifecycle.disruption_budget.mariadb.min_available, 0);
        assert.equal(values("dev", "keystone").pod.replicas.api, 1);
        assert.equal(values("dev", "keystone").pod.lifecycle.disruption_budget.api.min_available, 0);
    });

    it("Neutron: ML2 with Open vSwitch and VXLAN, L2 population, the site's interfaces and bridge; L3 HA in prod only", () => {
        const v = values("prod", "neutron");
        assert.deepEqual(v.network, { backend: ["openvswitch"], interface: { tunnel: "bond1" } });
        assert.equal(v.conf.plugins.ml2_conf.ml2.tenant_network_types, "vxlan");
        assert.equal(v.conf.plugins.ml2_conf.ml2.mechanism_drivers, "openvswitch,l2population");
        assert.equal(v.conf.plugins.ml2_conf.ml2_type_vxlan.vni_ranges, "1:4000");
        assert.equal(v.conf.plugins.ml2_conf.ml2_type_flat.flat_networks, "public");
        assert.deepEqual(v.conf.plugins.openvswitch_agent.agent, { tunnel_types: "vxlan", l2_population: true, arp_responder: true });
        assert.equal(v.conf.plugins.openvswitch_agent.ovs.bridge_mappings, "public:br-ex");
        assert.deepEqual(v.conf.auto_bridge_add, { "br-ex": "bond2" });
        assert.equal(v.conf.neutron.DEFAULT.l3_ha, true);
        assert.equal(values("dev", "neutron").conf.neutron.DEFAULT.l3_ha, false);
    });

    it("places compute daemons on compute nodes and OVS agents on Open vSwitch nodes; Nova waits for computes", () => {
        const nova = values("prod", "nova");
        assert.deepEqual(nova.labels.agent.compute, { node_selector_key: "openstack-compute-node", node_selector_value: "enabled" });
        assert.deepEqual(nova.labels.osapi, { node_selector_key: "openstack-control-plane", node_selector_value: "enabled" });
        assert.equal(nova.bootstrap.wait_for_computes.enabled, true);
        assert.deepEqual(values("prod", "libvirt").labels.agent.libvirt, { node_selector_key: "openstack-compute-node", node_selector_value: "enabled" });
        assert.deepEqual(values("prod", "neutron").labels.ovs, { node_selector_key: "openvswitch", node_selector_value: "enabled" });
        assert.deepEqual(values("prod", "openvswitch").labels.ovs, { node_selector_key: "openvswitch", node_selector_value: "enabled" });
    });

    it("publishes every API under the site domain through the gateway, https on 443", () => {
        const v = values("prod", "keystone");
        assert.deepEqual(v.endpoints.identity.host_fqdn_override, { public: { host: "keystone.fra1.cloud.example.net" } });
        assert.equal(v.endpoints.identity.port.api.public, 443);
        const route = v.extraObjects.osk_identity_public;
        assert.equal(route.kind, "HTTPRoute");
        assert.deepEqual(route.spec.hostnames, ["keystone.fra1.cloud.example.net"]);
        assert.deepEqual(route.spec.rules[0].backendRefs, [{ name: "keystone-api", port: 5000 }]);
        const ingress = chartValues("horizon", { model: model("prod", (c) => (c.platform.gateway = { kind: "ingress", className: "nginx" })), secret: redacted }) as any;
        assert.equal(ingress.extraObjects.osk_dashboard_public.kind, "Ingress");
        assert.equal(ingress.extraObjects.osk_dashboard_public.spec.ingressClassName, "nginx");
    });

    it("asks for exactly the credentials it uses, and a rotation token must name one of them", () => {
        const m = model("prod");
        const names = siteCredentialNames(m);
        assert.ok(names.includes("keystone-admin") && names.includes("nova-db") && names.includes("barbican-kek"));
        assert.throws(() => model("prod", (c) => (c.platform.rotation = { "keystone-admn": "2026-11" })), /osk:platform\.rotation\.keystone-admn: is not a credential of this stack/);
        assert.doesNotThrow(() => model("prod", (c) => (c.platform.rotation = { "keystone-admin": "2026-11" })));
    });
});

describe("values snapshots (secrets redacted)", () => {
    const dir = join(__dirname, "snapshots");
    const update = process.env.UPDATE_SNAPSHOTS === "1";
    for (const stack of ["dev", "prod"]) {
        const m = model(stack);
        for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) {
            it(`${stack}/${chart}`, () => {
                const file = join(dir, stack, `${chart}.yaml`);
                const text = `# ${stack}/${chart}: values OSK passes to the chart; secrets redacted. Regenerate: UPDATE_SNAPSHOTS=1 npx mocha\n${stringify(values(stack, chart) as Values, { sortMapEntries: true, lineWidth: 0 })}`;
                if (update || !existsSync(file)) {
                    mkdirSync(join(dir, stack), { recursive: true });
                    writeFileSync(file, text);
                    if (!update) assert.fail(`snapshot ${stack}/${chart} was missing and has been written; review and commit it`);
                }
                assert.equal(text, readFileSync(file, "utf8"), `values of ${stack}/${chart} changed: review, then UPDATE_SNAPSHOTS=1`);
            });
        }
    }
});
