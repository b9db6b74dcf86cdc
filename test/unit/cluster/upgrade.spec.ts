// A Kubernetes minor upgrade of the control plane as the component runs it: the order of its steps under mocks,
// and each node's upgrade script run here against a host of stand-in commands (a test fixture: kubelet, kubeadm,
// kubectl, apt-get and systemctl that record what they are asked and answer from the host's state). No real host
// is upgraded by this tier; docs/upgrades.md says what was proven where.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { prepareScript, upgradeScript, workerUpgradeScript, type UpgradeRole } from "../../../components/cluster/scripts";
import { runStack, type RunResult } from "../../helpers/mockRun";
import { withMasters } from "../../helpers/models";

/** A host whose kubelet and kubeadm run `running`, whose apiserver serves `server`; every command is logged. */
function standInHost(running: string, server = running, inCluster = true) {
    const root = mkdtempSync(join(tmpdir(), "osk-upgrade-host-"));
    const bin = join(root, "bin");
    mkdirSync(bin);
    for (const d of ["kubernetes", "apt/sources.list.d", "modules-load.d", "sysctl.d"]) mkdirSync(join(root, "etc", d), { recursive: true });
    if (inCluster) for (const f of ["kubelet.conf", "admin.conf"]) writeFileSync(join(root, "etc", "kubernetes", f), "");
    writeFileSync(join(root, "kubelet.version"), running);
    writeFileSync(join(root, "kubeadm.version"), running);
    const log = join(root, "log");
    const stub = (name: string, body: string) => {
        writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`);
        chmodSync(join(bin, name), 0o755);
    };
    stub("kubelet", `[ "$1" = --version ] && echo "Kubernetes $(cat ${root}/kubelet.version)"; true`);
    stub("kubeadm", `[ "$1" = version ] && { cat ${root}/kubeadm.version; exit 0; }; true`);
    stub("kubectl", `case "$*" in *"get --raw /version"*) echo '{"major":"1","gitVersion":"${server}"}';; *jsonpath*kubeletVersion*) cat ${root}/kubelet.version;; *jsonpath*Ready*) echo True;; esac; true`);
    // apt installs the version asked: kubeadm=1.34.1-* makes kubeadm report v1.34.1.
    stub("apt-get", `for a in "$@"; do case "$a" in kubeadm=*|kubelet=*) v=\${a#*=}; echo "v\${v%-\\*}" > ${root}/\${a%%=*}.version;; esac; done`);
    // containerd too: the machine running this tier may have none, and the host is one that has it.
    for (const name of ["apt-mark", "systemctl", "curl", "gpg", "install", "sleep", "swapoff", "modprobe", "sysctl", "containerd"]) stub(name, "true");
    writeFileSync(join(root, "etc", "fstab"), "");
    const run = (script: string) => {
        // The script's absolute paths under the stand-in host's root.
        const local = script.replaceAll("/etc/", `${root}/etc/`);
        // stdin from /dev/null: with a pipe there, bash takes itself for a remote shell and reads the machine's bashrc.
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", local], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: ["ignore", "pipe", "pipe"] });
        const calls = readFileSyncOr(log).split("\n").filter(Boolean).filter((l) => !/^(kubelet --version|kubeadm version)/.test(l));
        return { status: r.status, stderr: r.stderr, calls };
    };
    return { run, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
const readFileSyncOr = (f: string) => {
    try {
        return readFileSync(f, "utf8");
    } catch {
        return "";
    }
};

describe("a Kubernetes minor upgrade of the control plane (components/cluster/scripts.ts, upgradeScript)", () => {
    const { cp } = withMasters(3);
    const to = (version: string) => ({ ...cp, kubernetesVersion: version });
    const hosts: ReturnType<typeof standInHost>[] = [];
    const host = (running: string, server?: string, inCluster?: boolean) => {
        const h = standInHost(running, server, inCluster);
        hosts.push(h);
        return h;
    };
    after(() => hosts.forEach((h) => h.dispose()));
    const script = (version: string, role: UpgradeRole, i = 0) => upgradeScript(to(version), role === "worker" ? cp.workers[0] : cp.masters[i], role);

    it("on the first master: the new kubeadm, kubeadm upgrade apply, then drained, the new kubelet, back and Ready", () => {
        const r = host("v1.33.4").run(script("1.34.1", "first"));
        assert.equal(r.status, 0, r.stderr);
        const steps = r.calls.map((c) => c.replace(/ --kubeconfig \S+/, "")).filter((c) => /^(apt-get install|kubeadm upgrade|kubectl (drain|uncordon|wait)|systemctl restart)/.test(c));
        assert.deepEqual(steps, [
            "apt-get install -y -q --allow-downgrades kubeadm=1.34.1-*",
            "kubeadm upgrade plan v1.34.1",
            "kubeadm upgrade apply v1.34.1 --yes",
            `kubectl drain ${cp.masters[0].name} --ignore-daemonsets --delete-emptydir-data --timeout=10m`,
            "apt-get install -y -q --allow-downgrades kubelet=1.34.1-* kubectl=1.34.1-*",
            "systemctl restart kubelet",
            `kubectl uncordon ${cp.masters[0].name}`,
            `kubectl wait --for=condition=Ready node/${cp.masters[0].name} --timeout=5m`,
        ]);
    });

    it("on the other masters and the workers: kubeadm upgrade node; a worker is drained from a master, not by itself", () => {
        const m = host("v1.33.4", "v1.34.1").run(script("1.34.1", "master", 1));
        assert.equal(m.status, 0, m.stderr);
        assert.ok(m.calls.includes("kubeadm upgrade node"));
        assert.ok(!m.calls.some((c) => c.startsWith("kubeadm upgrade apply")));
        const w = host("v1.33.4", "v1.34.1").run(script("1.34.1", "worker"));
        assert.equal(w.status, 0, w.stderr);
        assert.ok(w.calls.includes("kubeadm upgrade node"));
        assert.ok(!w.calls.some((c) => c.startsWith("kubectl")), "a worker has no admin credentials");
        const drain = host("v1.33.4").run(workerUpgradeScript(to("1.34.1"), cp.workers[0], "drain"));
        assert.ok(drain.calls.some((c) => c.includes(`drain ${cp.workers[0].name}`)), drain.stderr);
    });

    it("does nothing on a node already at the version, or not in a cluster yet (a cluster being made)", () => {
        for (const h of [host("v1.34.1"), host("v1.33.4", "v1.33.4", false)]) {
            const r = h.run(script("1.34.1", "first"));
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(r.calls, []);
        }
        assert.deepEqual(host("v1.34.1").run(workerUpgradeScript(to("1.34.1"), cp.workers[0], "drain")).calls.filter((c) => c.includes("drain")), []);
    });

    it("refuses a downgrade and a jump of two minors before touching anything, saying what is allowed", () => {
        const down = host("v1.34.1").run(script("1.33.4", "first"));
        assert.equal(down.status, 1);
        assert.match(down.stderr, /runs v1\.34\.1: Kubernetes is not downgraded \(to v1\.33\.4\); allowed: a version of minor 34 or the next/);
        const jump = host("v1.32.9").run(script("1.34.1", "first"));
        assert.equal(jump.status, 1);
        assert.match(jump.stderr, /kubeadm upgrades one minor at a time, not to v1\.34\.1; allowed: 1\.33\.x first/);
        assert.deepEqual([...down.calls, ...jump.calls], []);
    });

    it("leaves a cluster member's packages to the upgrade: the host preparation, which runs everywhere at once, does not move them", () => {
        const r = host("v1.33.4").run(prepareScript(to("1.34.1")).split("# containerd's configuration")[0]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /is in the cluster with Kubernetes v1\.33\.4: the upgrade step moves it to v1\.34\.1/);
        assert.ok(!r.calls.some((c) => c.startsWith("apt-get install")), r.calls.join("\n"));
    });
});

describe("the upgrade's order in the control plane (prod stack under mocks)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });

    it("chains the nodes one at a time: the first master, the others, each worker drained and put back; then init", () => {
        const steps = run.ofType("osk:remote:Command").filter((r) => /^cluster-upgrade(-drain|-uncordon)?-/.test(r.name));
        const byName = new Map(steps.map((s) => [s.name, s]));
        const chain: string[] = [];
        // Walk back from the step nothing else in the chain waits for.
        let at = steps.find((s) => !steps.some((o) => o.dependsOn.includes(s.name)));
        while (at) {
            chain.unshift(at.name);
            at = steps.find((o) => at!.dependsOn.includes(o.name));
        }
        assert.equal(chain.length, steps.length, `one chain: ${chain.join(" <- ")}`);
        assert.equal(chain[0], "cluster-upgrade-master-1");
        const workers = chain.filter((c) => /-upgrade-(drain|uncordon)-/.test(c));
        assert.ok(workers.length > 0 && chain.indexOf(workers[0]) > chain.indexOf("cluster-upgrade-master-3"), "workers after every master");
        const init = run.ofType("osk:remote:Command").find((r) => r.name === "cluster-init-master-1")!;
        assert.ok(init.dependsOn.includes(byName.get(chain.at(-1)!)!.name), "init runs after the last upgrade step");
    });
});
