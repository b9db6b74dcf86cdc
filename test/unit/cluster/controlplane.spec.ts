// The ControlPlane's resource graph under mocks: what runs where, in which order, and what a change re-runs.
import { strict as assert } from "assert";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";

const CMD = "osk:remote:Command";

function masters(n: number) {
    return (v: Record<string, any>) => {
        v.controlPlane.masters = Array.from({ length: n }, (_, i) => ({ name: `master-${i + 1}`, address: `10.30.0.${11 + i}` }));
    };
}

/** Each remote step with what re-runs it when changed: its script and the files it writes. */
function steps(run: RunResult): Map<string, { create: string; delete?: string; dependsOn: string[]; host: string; alternates: string[]; files: Record<string, string> }> {
    return new Map(
        run.ofType(CMD).map((r) => [
            r.name,
            {
                create: r.inputs.create + JSON.stringify(r.inputs.files ?? {}),
                delete: r.inputs.delete,
                dependsOn: r.dependsOn,
                host: r.inputs.connection.host,
                alternates: r.inputs.alternateHosts ?? [],
                files: r.inputs.files ?? {},
            },
        ]),
    );
}

describe("ControlPlane resource graph (prod, 3 masters)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });

    it("prepares every host and puts the load balancer on every master", () => {
        const s = steps(run);
        for (const h of ["master-1", "master-2", "master-3", "ctl-1", "ctl-2", "ctl-3", "cmp-1", "cmp-2", "cmp-3"]) assert.ok(s.has(`cluster-prepare-${h}`), h);
        for (const h of ["master-1", "master-2", "master-3"]) assert.deepEqual(s.get(`cluster-loadbalancer-${h}`)!.dependsOn, [`cluster-prepare-${h}`]);
        assert.ok(!s.has("cluster-loadbalancer-ctl-1"));
    });

    it("inits on the first master after the endpoint is up (and after the last node's upgrade step)", () => {
        const init = steps(run).get("cluster-init-master-1")!;
        assert.equal(init.host, "10.30.0.11");
        assert.deepEqual(init.dependsOn.sort(), ["cluster-loadbalancer-master-1", "cluster-loadbalancer-master-2", "cluster-loadbalancer-master-3", "cluster-prepare-master-1", "cluster-upgrade-uncordon-cmp-3"]);
    });

    it("joins masters one at a time after init, and workers after the last master", () => {
        const s = steps(run);
        assert.ok(s.get("cluster-join-master-2")!.dependsOn.includes("cluster-init-master-1"));
        assert.ok(s.get("cluster-join-master-3")!.dependsOn.includes("cluster-join-master-2"));
        for (const w of ["ctl-1", "cmp-3"]) {
            assert.deepEqual(s.get(`cluster-join-${w}`)!.dependsOn, [`cluster-prepare-${w}`, "cluster-join-master-3", `cluster-remove-${w}`]);
            assert.equal(s.get(`cluster-join-${w}`)!.host, w === "ctl-1" ? "10.30.1.11" : "10.30.2.13");
        }
    });

    it("installs the CNI after every join and every apiserver certificate, then waits for every node, then reads the kubeconfig", () => {
        const s = steps(run);
        const joins = [...s.keys()].filter((k) => k.startsWith("cluster-join-"));
        assert.equal(joins.length, 8);
        const certificates = ["master-1", "master-2", "master-3"].map((m) => `cluster-apiserver-certificate-${m}`);
        assert.deepEqual(s.get("cluster-cni-master-1")!.dependsOn.sort(), ["cluster-init-master-1", ...joins, ...certificates].sort());
        assert.deepEqual(s.get("cluster-ready-master-1")!.dependsOn, ["cluster-cni-master-1"]);
        assert.deepEqual(s.get("cluster-kubeconfig-master-1")!.dependsOn, ["cluster-ready-master-1"]);
        for (const node of ["master-1", "ctl-2", "cmp-3"]) assert.match(s.get("cluster-ready-master-1")!.create, new RegExp(`\\b${node}\\b`));
    });

    it("labels nodes only once the whole control plane (all of the above) exists", () => {
        for (const p of run.ofType("kubernetes:core/v1:NodePatch")) assert.deepEqual(p.dependsOn, ["cluster"]);
        const children = run.resources.filter((r) => r.parent === "cluster").length;
        assert.equal(children, run.ofType(CMD).filter((c) => c.parent === "cluster").length + 2);
    });

    it("hands kubeadm its rendered configuration as a visible file, secrets only as placeholders", () => {
        const init = steps(run).get("cluster-init-master-1")!;
        assert.match(init.files["/etc/osk/kubeadm-init.yaml.template"], /kind: ClusterConfiguration/);
        assert.match(init.files["/etc/osk/kubeadm-init.yaml.template"], /token: __OSK_BOOTSTRAP_TOKEN__/);
        assert.match(steps(run).get("cluster-join-master-2")!.files["/etc/osk/kubeadm-join.yaml.template"], /certificateKey: __OSK_CERTIFICATE_KEY__/);
    });

    it("keeps join tokens, the certificate key and the kubeconfig secret", () => {
        const init = run.byName("cluster-init-master-1");
        assert.deepEqual(Object.keys(init.inputs.secretEnvironment).sort(), ["OSK_BOOTSTRAP_TOKEN", "OSK_CERTIFICATE_KEY"]);
        assert.deepEqual(plainStrings(init.wire.secretEnvironment), []);
        assert.deepEqual(plainStrings(init.wire.privateKey), []);
        const join = run.byName("cluster-join-cmp-1");
        assert.deepEqual(plainStrings(join.wire.secretEnvironment), []);
        const kc = run.byName("cluster-kubeconfig-master-1");
        assert.equal(kc.inputs.captureStdout, "secret");
        assert.ok(run.secretOutputs.has("kubeconfig"));
        const clusterSecrets = run.ofType("osk:secrets:Generated").filter((g) => g.parent === "cluster");
        assert.deepEqual(clusterSecrets.map((g) => g.inputs.format).sort(), ["bootstrapToken", "hex"]);
    });
});

describe("ControlPlane scaling 3 -> 5 -> 3 masters", function () {
    // Two whole programs under mocks.
    this.timeout(120000);
    let three: ReturnType<typeof steps>;
    let five: ReturnType<typeof steps>;
    before(async function () {
        // Two whole prod stacks under mocks: on a loaded 2-core machine that takes longer than the default.
        this.timeout(60_000);
        three = steps(await runStack("prod", { edit: masters(3) }));
        five = steps(await runStack("prod", { edit: masters(5) }));
    });

    it("adds a prepare, load balancer, join, certificate, drain and removal step for each new master, joined after the others", () => {
        for (const h of ["master-4", "master-5"]) {
            for (const role of ["prepare", "loadbalancer", "join", "apiserver-certificate", "drain", "remove"]) assert.ok(five.has(`cluster-${role}-${h}`) && !three.has(`cluster-${role}-${h}`), `${role}-${h}`);
        }
        assert.ok(five.get("cluster-join-master-4")!.dependsOn.includes("cluster-join-master-3"));
        assert.ok(five.get("cluster-join-master-5")!.dependsOn.includes("cluster-join-master-4"));
    });

    it("re-runs only what depends on the master set: certificates and init (SANs), load balancers, readiness", () => {
        const changed = [...three.keys()].filter((k) => five.has(k) && five.get(k)!.create !== three.get(k)!.create).sort();
        assert.deepEqual(changed, [
            "cluster-apiserver-certificate-master-1",
            "cluster-apiserver-certificate-master-2",
            "cluster-apiserver-certificate-master-3",
            "cluster-init-master-1",
            "cluster-loadbalancer-master-1",
            "cluster-loadbalancer-master-2",
            "cluster-loadbalancer-master-3",
            "cluster-ready-master-1",
        ]);
    });

    it("issues a master's apiserver certificate again for the grown inventory's SANs, on that master", () => {
        const cert = five.get("cluster-apiserver-certificate-master-2")!;
        assert.equal(cert.host, "10.30.0.12");
        for (const san of ["10.30.0.15", "master-5"]) assert.match(cert.create, new RegExp(`-check(ip|host) '${san.replace(/\./g, "\\.")}'`));
        assert.match(cert.create, /kubeadm init phase certs apiserver --config/);
        assert.ok(cert.dependsOn.includes("cluster-join-master-2"));
        assert.ok(five.get("cluster-apiserver-certificate-master-1")!.dependsOn.includes("cluster-init-master-1"));
        assert.match(five.get("cluster-init-master-1")!.create, /kubeadm init phase upload-config kubeadm/, "the cluster's kubeadm-config follows the SANs");
    });

    it("going back to 3 drains each removed master and removes its etcd member, resets it, then removes its node, from another master", () => {
        // The 5-master steps that a 3-master stack no longer has are the ones the engine deletes.
        const gone = [...five.keys()].filter((k) => !three.has(k)).sort();
        assert.deepEqual(gone, [
            "cluster-apiserver-certificate-master-4", "cluster-apiserver-certificate-master-5",
            "cluster-drain-master-4", "cluster-drain-master-5",
            "cluster-join-master-4", "cluster-join-master-5",
            "cluster-loadbalancer-master-4", "cluster-loadbalancer-master-5",
            "cluster-prepare-master-4", "cluster-prepare-master-5",
            "cluster-remove-master-4", "cluster-remove-master-5",
            "cluster-upgrade-master-4", "cluster-upgrade-master-5",
        ]);
        const drain = five.get("cluster-drain-master-4")!;
        const remove = five.get("cluster-remove-master-4")!;
        for (const step of [drain, remove]) {
            assert.equal(step.host, "10.30.0.11");
            assert.deepEqual(step.alternates, ["10.30.0.12", "10.30.0.13", "10.30.0.15"], "every other master can take over");
            assert.match(step.delete!, /exit 75/, "a master that cannot reach the API hands over");
        }
        assert.match(drain.delete!, /\bk drain master-4 /);
        assert.match(drain.delete!, /--server https:\/\/127\.0\.0\.1:6443/, "through the master's own apiserver");
        assert.match(drain.delete!, /flock -w 600 9\nretry remove_member/, "one etcd membership change at a time");
        assert.match(remove.delete!, /delete node master-4/);
        assert.match(drain.delete!, /member remove/);
        assert.ok(!remove.delete!.includes("etcdctl"));
        // The engine deletes dependents first: drain and etcd member (depends on the join: the member goes while the
        // others can agree), reset (the join, depends on the removal), then the node, so no kubelet registers it again.
        assert.ok(drain.dependsOn.includes("cluster-join-master-4"));
        assert.ok(five.get("cluster-join-master-4")!.dependsOn.includes("cluster-remove-master-4"));
        assert.match(five.get("cluster-join-master-4")!.delete!, /kubeadm reset -f/);
        assert.deepEqual(remove.dependsOn, ["cluster-init-master-1"], "removal needs the cluster, not the node");
    });

    it("never runs a master's removal on that master", () => {
        const m1peer = five.get("cluster-remove-master-2")!;
        assert.equal(m1peer.host, "10.30.0.11");
        assert.ok(!m1peer.alternates.includes("10.30.0.12"));
    });
});
