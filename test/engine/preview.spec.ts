// Tier 2: the real Pulumi CLI, language host and providers, offline, previewing every committed stack.
import { strict as assert } from "assert";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { createWorkspace, parsePreview, previewSecrets, pulumiRun, type Workspace } from "../../tools/engine/workspace";

const STACKS = ["dev", "prod"];

/** Resource types each stack must plan, with at least these counts. */
const EXPECTED: Record<string, Record<string, number>> = {
    dev: {
        "kubernetes:core/v1:NodePatch": 1,
        // prepare, upgrade, load balancer, init, the apiserver certificate, CNI, readiness, kubeconfig: 1 master
        "osk:remote:Command": 8,
        "osk:cluster:ControlPlane": 1,
        // local-storage, mariadb, rabbitmq, memcached, openvswitch, libvirt + 6 services
        "kubernetes:helm.sh/v3:Release": 12,
        "osk:k8s:ReadinessGate": 2,
        "osk:openstack:Service": 6,
    },
    // prod: the site's 9 hosts prepared, 3 load balancers, 1 init, 8 joins each with its drain and removal steps, 3
    // apiserver certificates, CNI, readiness, kubeconfig, the upgrade chain (a step per master, drain, upgrade and
    // uncordon per worker: 3 + 6 * 3); the tenant's 7 instances prepared, 1 init, 6 joins each with its drain and
    // removal steps, 3 apiserver certificates, CNI, readiness, kubeconfig, its upgrade chain (3 + 4 * 3) (its API is
    // behind the Octavia load balancer, so no host load balancers).
    prod: {
        "kubernetes:core/v1:NodePatch": 6,
        "osk:remote:Command": 9 + 3 + 1 + 8 * 3 + 3 + 3 + (3 + 6 * 3) + (7 + 1 + 6 * 3 + 3 + 3 + (3 + 4 * 3)),
        // The tenant's snapshot API: the external-snapshotter's CRDs from its Go module, and the two classes.
        "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 3,
        "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass": 2,
        "osk:cluster:ControlPlane": 2,
        // 3 Rook/Ceph, 5 infra, 10 services
        "kubernetes:helm.sh/v3:Release": 18,
        "osk:k8s:ReadinessGate": 2,
        "osk:openstack:Service": 10,
        // RabbitMQ (the chart renders none) and k8s-keystone-auth
        "kubernetes:policy/v1:PodDisruptionBudget": 2,
        "kubernetes:gateway.networking.k8s.io/v1:Gateway": 1,
        "osk:tenant:Addons": 1,
        "osk:secrets:ServingCertificate": 1,
        "kubernetes:storage.k8s.io/v1:CSIDriver": 1,
        // The tenant's OpenStack side, previewed by OSK's own OpenStack provider: its identity (as the site's admin,
        // the credential as the service user), then everything else as the tenant's application credential.
        "pulumi:providers:openstack": 3,
        "openstack:identity/project:Project": 1,
        "openstack:identity/user:User": 1,
        "openstack:identity/roleAssignment:RoleAssignment": 1,
        "openstack:identity/applicationCredential:ApplicationCredential": 1,
        "openstack:networking/network:Network": 1,
        "openstack:networking/subnet:Subnet": 1,
        "openstack:networking/router:Router": 1,
        "openstack:networking/routerInterface:RouterInterface": 1,
        // nodes, api, ssh; 4 rules between nodes, 6443 from the node subnet and 10.0.0.0/8, 22 from 10.30.0.0/22
        "openstack:networking/secGroup:SecGroup": 3,
        "openstack:networking/secGroupRule:SecGroupRule": 7,
        "openstack:compute/serverGroup:ServerGroup": 2,
        "openstack:networking/port:Port": 7,
        "openstack:compute/instance:Instance": 7,
        "openstack:loadbalancer/loadBalancer:LoadBalancer": 1,
        "openstack:loadbalancer/listener:Listener": 1,
        "openstack:loadbalancer/pool:Pool": 1,
        "openstack:loadbalancer/monitor:Monitor": 1,
        "openstack:loadbalancer/member:Member": 3,
        "osk:k8s:ClusterDrain": 1,
    },
};

function typeOf(urn: string): string {
    const parts = urn.split("::");
    const chain = parts[2] ?? "";
    return chain.split("$").pop() ?? "";
}

for (const stack of STACKS) {
    describe(`pulumi preview of the ${stack} stack (real engine, offline)`, () => {
        let ws: Workspace;
        let secrets: Record<string, string>;
        let out: Awaited<ReturnType<typeof pulumiRun>>;

        before(async () => {
            secrets = previewSecrets(stack);
            ws = createWorkspace(stack, secrets);
            out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", stack]);
        });
        after(() => ws?.dispose());

        it("succeeds", () => {
            assert.equal(out.code, 0, `${out.stderr}\n${out.stdout.slice(0, 4000)}`);
        });

        it("raises no warning or error", () => {
            const summary = parsePreview(out.stdout);
            const noisy = summary.diagnostics.filter((d) => !["info", "debug", "info#err"].includes(d.severity));
            assert.deepEqual(noisy, []);
            assert.doesNotMatch(out.stderr, /warning:/i);
        });

        it("plans the stack's resources", () => {
            const summary = parsePreview(out.stdout);
            const counts: Record<string, number> = {};
            for (const s of summary.steps) counts[typeOf(s.urn)] = (counts[typeOf(s.urn)] ?? 0) + 1;
            for (const [type, n] of Object.entries(EXPECTED[stack])) {
                assert.equal(counts[type], n, `${type}: planned ${counts[type] ?? 0}, expected ${n}`);
            }
            assert.ok(summary.changes.create > 0);
        });

        it("plans no dynamic resource: OSK's own resources are the osk plugin's, the identity the OpenStack provider's", () => {
            const dynamic = parsePreview(out.stdout).steps.map((s) => typeOf(s.urn)).filter((t) => t.startsWith("pulumi-nodejs:dynamic/"));
            assert.deepEqual([...new Set(dynamic)], []);
        });

        it("prints no secret", () => {
            for (const s of Object.values(secrets)) {
                const needle = s.split("\n")[1] ?? s;
                assert.ok(!out.stdout.includes(needle) && !out.stderr.includes(needle));
            }
        });
    });
}

describe("pulumi preview of an invalid stack (real engine)", () => {
    it("fails before any resource, naming each bad key", async () => {
        const secrets = previewSecrets("dev");
        const ws = createWorkspace("dev", secrets);
        try {
            const file = join(ws.dir, "Pulumi.dev.yaml");
            writeFileSync(file, readFileSync(file, "utf8").replace("profile: dev", "profile: staging").replace("compute: [aio-1]", "compute: [ghost]"));
            const out = await pulumiRun(ws, ["preview", "--json", "--non-interactive", "--stack", "dev"]);
            assert.notEqual(out.code, 0);
            const summary = parsePreview(out.stdout);
            const text = summary.diagnostics.map((d) => d.message).join("\n");
            assert.match(text, /osk:site\.profile: has a value that is not allowed; allowed: "dev", "prod"/);
            assert.match(text, /osk:nodeRoles\.compute\[0\]: node "ghost" is not in the inventory/);
            const planned = summary.steps.filter((s) => !s.urn.includes("pulumi:pulumi:Stack"));
            assert.deepEqual(planned, []);
        } finally {
            ws.dispose();
        }
    });
});
