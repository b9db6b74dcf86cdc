// Each policy fires on a violating input and stays quiet on what the committed prod stack produces.
import { strict as assert } from "assert";
import { renderInit, renderJoin } from "../../../components/cluster/kubeadm";
import { SERVICE_CHARTS } from "../../../components/openstack/catalog";
import { siteChartValues } from "../../../stacks/charts";
import {
    checkApiHA,
    checkControlPlane,
    checkGalera,
    checkHooksSkipWait,
    checkNoDefaultCredentials,
    checkPinned,
    checkPrivileged,
    checkRabbitMQ,
    checkStatefulProtected,
    checkWorkloadPrivileged,
    checkWorldOpen,
    knownView,
    RELEASE,
    REMOTE_COMMAND,
    STORAGE_CLASS,
    type StackResource,
} from "../../../policy/policies";
import type { ServiceName } from "../../../stacks/config/schema";
import { model, withMasters } from "../../helpers/models";

function violations(check: (report: (m: string) => void) => void): string[] {
    const out: string[] = [];
    check((m) => out.push(m));
    return out;
}
const release = (stack: string, chart: string, extra: Record<string, unknown> = {}) => ({
    chart,
    version: model(stack).charts.versions[chart],
    skipAwait: true,
    repositoryOpts: { repo: "https://tarballs.opendev.org/openstack/openstack-helm" },
    values: siteChartValues(model(stack), chart, (n) => `generated-${n}`),
    ...extra,
});

function controlPlaneResources(n: number): StackResource[] {
    const { cp, m } = withMasters(n);
    const init = { type: REMOTE_COMMAND, name: "cluster-init", props: { files: { "/etc/osk/kubeadm-init.yaml.template": renderInit(cp, m.site) } } };
    const joins = cp.masters.slice(1).map((h) => ({ type: REMOTE_COMMAND, name: `cluster-join-${h.name}`, props: { files: { "/etc/osk/kubeadm-join.yaml.template": renderJoin(cp, h, "master") } } }));
    const workers = cp.workers.map((h) => ({ type: REMOTE_COMMAND, name: `cluster-join-${h.name}`, props: { files: { "/etc/osk/kubeadm-join.yaml.template": renderJoin(cp, h, "worker") } } }));
    return [init, ...joins, ...workers];
}

describe("policy: control-plane-ha", () => {
    it("is quiet on 3 and 5 masters", () => {
        for (const n of [3, 5]) assert.deepEqual(violations((r) => checkControlPlane(controlPlaneResources(n), r)), []);
    });
    it("fires on 1 and 4 masters", () => {
        assert.match(violations((r) => checkControlPlane(controlPlaneResources(1), r)).join(), /1 master\(s\)/);
        assert.match(violations((r) => checkControlPlane(controlPlaneResources(4), r)).join(), /4 master\(s\)/);
    });
    it("fires when leader election is off or a master is missing from the certificate", () => {
        const res = controlPlaneResources(3);
        const files = res[0].props.files as Record<string, string>;
        files["/etc/osk/kubeadm-init.yaml.template"] = files["/etc/osk/kubeadm-init.yaml.template"]
            .replace(/name: leader-elect\n(\s+)value: "true"/, 'name: leader-elect\n$1value: "false"')
            .replace(/\n\s+- 10\.30\.0\.13\n/, "\n");
        const v = violations((r) => checkControlPlane(res, r)).join("\n");
        assert.match(v, /controllerManager runs without --leader-elect=true/);
        assert.match(v, /do not cover 10\.30\.0\.13/);
    });
    it("judges each control plane of a stack with its own masters (the site's and a tenant's)", () => {
        const rename = (prefix: string) => (r: StackResource) => ({ ...r, name: `${prefix}-${r.name}` });
        const site = controlPlaneResources(3).map(rename("site"));
        // A second cluster at other addresses: its joins must not count against the site's certificate.
        const tenant = controlPlaneResources(3).map(rename("tenant")).map((r) => JSON.parse(JSON.stringify(r).replace(/10\.30\.0\./g, "192.168.100.")) as StackResource);
        assert.deepEqual(violations((r) => checkControlPlane([...site, ...tenant], r)), []);
        const oneMasterTenant = controlPlaneResources(1).map(rename("tenant")).map((r) => JSON.parse(JSON.stringify(r).replace(/10\.30\.0\./g, "192.168.100.")) as StackResource);
        assert.match(violations((r) => checkControlPlane([...site, ...oneMasterTenant], r)).join(), /1 master\(s\)/);
    });
});

describe("policy: platform quorum and API HA", () => {
    it("is quiet on the prod values", () => {
        const m = model("prod");
        assert.deepEqual(violations((r) => checkGalera(release("prod", "mariadb"), r)), []);
        assert.deepEqual(violations((r) => checkRabbitMQ(release("prod", "rabbitmq"), r)), []);
        for (const svc of m.openstack.services) assert.deepEqual(violations((r) => checkApiHA(release("prod", svc), r)), [], svc);
    });
    it("fires on dev's single replicas", () => {
        assert.equal(violations((r) => checkGalera(release("dev", "mariadb"), r)).length, 1);
        assert.equal(violations((r) => checkRabbitMQ(release("dev", "rabbitmq"), r)).length, 1);
        const keystone = violations((r) => checkApiHA(release("dev", "keystone"), r));
        assert.deepEqual(keystone, ["keystone: pod.replicas.api is 1; prod needs at least 2.", "keystone: pod.lifecycle.disruption_budget.api.min_available is 0; needs at least 1."]);
    });
    it("fires on a Galera budget below quorum", () => {
        const r = release("prod", "mariadb");
        (r.values as any).pod.lifecycle.disruption_budget.mariadb.min_available = 1;
        assert.match(violations((rep) => checkGalera(r, rep)).join(), /quorum needs 2/);
    });
    it("judges only known values: an unknown replica count is no violation", () => {
        const tools = { secretValue: () => undefined, isUnknown: (v: unknown) => v === "<unknown>" };
        const r = knownView({ chart: "rabbitmq", values: { pod: { replicas: { server: "<unknown>" } } } }, tools) as Record<string, unknown>;
        assert.deepEqual(violations((rep) => checkRabbitMQ(r, rep)), []);
    });
});

describe("policy: releases pinned, hooks, credentials, privileges", () => {
    it("pinned: quiet on exact versions from allowed repositories, fires on ranges and other repositories", () => {
        const cfg = { allowedRepositories: ["https://tarballs.opendev.org/openstack/openstack-helm"] };
        assert.deepEqual(violations((r) => checkPinned(release("prod", "nova"), r, cfg)), []);
        assert.match(violations((r) => checkPinned(release("prod", "nova", { version: "^2026.1.0" }), r, cfg)).join(), /not pinned to an exact version/);
        assert.match(violations((r) => checkPinned(release("prod", "nova", { repositoryOpts: { repo: "https://charts.example.com" } }), r, cfg)).join(), /allowed repositories/);
    });
    it("hooks: fires when a hook-driven chart waits on its pods", () => {
        assert.deepEqual(violations((r) => checkHooksSkipWait(release("prod", "keystone"), r)), []);
        assert.match(violations((r) => checkHooksSkipWait(release("prod", "keystone", { skipAwait: false }), r)).join(), /deadlocks/);
    });
    it("default credentials: quiet on generated ones, fires on a chart default", () => {
        for (const svc of Object.keys(SERVICE_CHARTS)) assert.deepEqual(violations((r) => checkNoDefaultCredentials(release("prod", svc as ServiceName) as any, r)), [], svc);
        const r = release("prod", "rabbitmq");
        (r.values as any).endpoints.oslo_messaging.auth.erlang_cookie = "openstack-cookie";
        assert.match(violations((rep) => checkNoDefaultCredentials(r, rep)).join(), /values\.endpoints\.oslo_messaging\.auth\.erlang_cookie is a chart default/);
    });
    it("privileged: allowed for Open vSwitch, refused for Keystone and for OSK's own workloads", () => {
        const privileged = { pod: { security_context: { api: { container: { api: { privileged: true } } } } } };
        assert.deepEqual(violations((r) => checkPrivileged({ chart: "openvswitch", values: privileged }, r)), []);
        assert.match(violations((r) => checkPrivileged({ chart: "keystone", values: privileged }, r)).join(), /privileged container/);
        assert.match(violations((r) => checkWorkloadPrivileged({ spec: { template: { spec: { containers: [{ name: "x", securityContext: { privileged: true } }] } } } }, r)).join(), /"x" is privileged/);
    });
});

describe("policy: world-open admin ports", () => {
    it("fires on SSH or the API open to 0.0.0.0/0 or ::/0, quiet on specific networks and other ports", () => {
        assert.match(violations((r) => checkWorldOpen({ direction: "ingress", remoteIpPrefix: "0.0.0.0/0", portRangeMin: 22, portRangeMax: 22 }, r)).join(), /SSH/);
        assert.match(violations((r) => checkWorldOpen({ direction: "ingress", remoteIpPrefix: "::/0", portRangeMin: 6443, portRangeMax: 6443 }, r)).join(), /Kubernetes API/);
        assert.equal(violations((r) => checkWorldOpen({ direction: "ingress", remoteIpPrefix: "0.0.0.0/0" }, r)).length, 2, "all ports");
        assert.deepEqual(violations((r) => checkWorldOpen({ direction: "ingress", remoteIpPrefix: "10.0.0.0/8", portRangeMin: 22, portRangeMax: 22 }, r)), []);
        assert.deepEqual(violations((r) => checkWorldOpen({ direction: "ingress", remoteIpPrefix: "0.0.0.0/0", portRangeMin: 443, portRangeMax: 443 }, r)), []);
    });
});

describe("policy: stateful-protected", () => {
    it("fires on an unprotected database release or retaining StorageClass, quiet when protected", () => {
        assert.match(violations((r) => checkStatefulProtected(RELEASE, { chart: "mariadb" }, false, r)).join(), /protect: true/);
        assert.deepEqual(violations((r) => checkStatefulProtected(RELEASE, { chart: "mariadb" }, true, r)), []);
        assert.deepEqual(violations((r) => checkStatefulProtected(RELEASE, { chart: "keystone" }, false, r)), []);
        assert.match(violations((r) => checkStatefulProtected(STORAGE_CLASS, { reclaimPolicy: "Retain", metadata: { name: "keep" } }, false, r)).join(), /StorageClass keep/);
    });
});
