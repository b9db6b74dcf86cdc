// What a real site may need of host preparation and kubeadm beyond the defaults: hosts whose packages a machine
// image already carries, the kubelet's cgroup driver, preflight checks to accept, add-ons the site replaces,
// and the bridge CNI. Rendered documents are read back; the package detection runs for real under bash.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { renderInit, renderJoin } from "../../../components/cluster/kubeadm";
import { bridgeCniConfig, bridgePodRange, cniScript, CONTAINERD_MARKER, prepareScript } from "../../../components/cluster/scripts";
import { formatProblems, validateConfig } from "../../../stacks/config/validate";
import { withMasters } from "../../helpers/models";
import { rawConfig } from "../../helpers/stacks";

const byKind = (text: string, kind: string) => parseAllDocuments(text).map((d) => d.toJSON() as Record<string, any>).find((d) => d.kind === kind)!;

function problems(edit: (v: Record<string, any>) => void) {
    const result = validateConfig(rawConfig("prod", edit));
    return result.ok ? [] : result.problems;
}

describe("site options of the kubeadm control plane", () => {
    describe("the kubelet cgroup driver", () => {
        it("is systemd unless configured, and containerd is configured to match", () => {
            const { cp, m } = withMasters(3);
            assert.equal(cp.kubelet.cgroupDriver, "systemd");
            assert.equal(byKind(renderInit(cp, m.site), "KubeletConfiguration").cgroupDriver, "systemd");
            assert.match(prepareScript(cp), /SystemdCgroup = \(true\|false\)\/SystemdCgroup = true\//);
        });

        it("cgroupfs reaches the kubelet of init and of every join, and containerd's SystemdCgroup goes false", () => {
            const { cp, m } = withMasters(3);
            const c = { ...cp, kubelet: { ...cp.kubelet, cgroupDriver: "cgroupfs" as const } };
            assert.equal(byKind(renderInit(c, m.site), "KubeletConfiguration").cgroupDriver, "cgroupfs");
            assert.equal(byKind(renderJoin(c, c.masters[1], "master"), "KubeletConfiguration").cgroupDriver, "cgroupfs");
            assert.equal(byKind(renderJoin(c, c.workers[0], "worker"), "KubeletConfiguration").cgroupDriver, "cgroupfs");
            const script = prepareScript(c);
            assert.match(script, /SystemdCgroup = \(true\|false\)\/SystemdCgroup = false\//);
            assert.match(script, /does not set SystemdCgroup = false, which kubelet\.cgroupDriver cgroupfs needs/);
            assert.ok(script.includes(CONTAINERD_MARKER));
        });

        it("refuses any other driver, naming the key", () => {
            const p = problems((v) => (v.controlPlane.kubelet = { cgroupDriver: "cgroupv2" }));
            assert.deepEqual(p.map((x) => x.path), ["osk:controlPlane.kubelet.cgroupDriver"]);
            assert.match(formatProblems(p), /"systemd", "cgroupfs"/);
        });
    });

    describe("preflight checks to ignore", () => {
        it("are none by default: init and join registrations carry no ignore list", () => {
            const { cp, m } = withMasters(3);
            assert.deepEqual(cp.ignorePreflightErrors, []);
            assert.equal(byKind(renderInit(cp, m.site), "InitConfiguration").nodeRegistration.ignorePreflightErrors, undefined);
            assert.equal(byKind(renderJoin(cp, cp.masters[1], "master"), "JoinConfiguration").nodeRegistration.ignorePreflightErrors, undefined);
        });

        it("reach init and every join, exactly as named", () => {
            const { cp, m } = withMasters(3);
            const c = { ...cp, ignorePreflightErrors: ["HTTPProxyCIDR"] };
            assert.deepEqual(byKind(renderInit(c, m.site), "InitConfiguration").nodeRegistration.ignorePreflightErrors, ["HTTPProxyCIDR"]);
            for (const [h, role] of [[c.masters[2], "master"], [c.workers[0], "worker"]] as const) {
                assert.deepEqual(byKind(renderJoin(c, h, role), "JoinConfiguration").nodeRegistration.ignorePreflightErrors, ["HTTPProxyCIDR"]);
            }
        });

        it("refuse `all` and names that are no check name, each at its index", () => {
            const p = problems((v) => (v.controlPlane.ignorePreflightErrors = ["HTTPProxyCIDR", "all", "Swap; rm -rf /"]));
            assert.deepEqual(p.map((x) => x.path), ["osk:controlPlane.ignorePreflightErrors[1]", "osk:controlPlane.ignorePreflightErrors[2]"]);
            assert.match(formatProblems(p), /"all" would hide every preflight failure/);
            assert.match(formatProblems(p), /must be a kubeadm preflight check name/);
        });
    });

    describe("kubeadm add-ons", () => {
        it("are both deployed by default (no disabled flags rendered)", () => {
            const { cp, m } = withMasters(3);
            const cluster = byKind(renderInit(cp, m.site), "ClusterConfiguration");
            assert.equal(cluster.proxy, undefined);
            assert.equal(cluster.dns, undefined);
        });

        it("can be switched off one by one, in the cluster configuration kubeadm keeps for later joins", () => {
            const { cp, m } = withMasters(3);
            const cluster = byKind(renderInit({ ...cp, addons: { kubeProxy: false, coreDns: true } }, m.site), "ClusterConfiguration");
            assert.deepEqual(cluster.proxy, { disabled: true });
            assert.equal(cluster.dns, undefined);
            const both = byKind(renderInit({ ...cp, addons: { kubeProxy: false, coreDns: false } }, m.site), "ClusterConfiguration");
            assert.deepEqual(both.dns, { disabled: true });
        });
    });

    describe("kube-proxy's own settings", () => {
        it("are kube-proxy's defaults unless set: init renders no KubeProxyConfiguration", () => {
            const { cp, m } = withMasters(3);
            assert.equal(byKind(renderInit(cp, m.site), "KubeProxyConfiguration"), undefined);
        });

        it("reach init as a KubeProxyConfiguration (mode, conntrack per core; 0 leaves a read-only limit alone); joins carry none", () => {
            const { cp, m } = withMasters(3);
            const c = { ...cp, kubeProxy: { mode: "nftables" as const, conntrackMaxPerCore: 0 } };
            const proxy = byKind(renderInit(c, m.site), "KubeProxyConfiguration");
            assert.equal(proxy.apiVersion, "kubeproxy.config.k8s.io/v1alpha1");
            assert.equal(proxy.mode, "nftables");
            assert.deepEqual(proxy.conntrack, { maxPerCore: 0 });
            // kubeadm keeps them in the kube-proxy ConfigMap: a join that repeated them would be refused.
            assert.equal(byKind(renderJoin(c, c.masters[1], "master"), "KubeProxyConfiguration"), undefined);
        });

        it("fill in iptables and 32768 per core when only one is set", () => {
            const r = validateConfig(rawConfig("prod", (v) => (v.controlPlane.kubeProxy = { conntrackMaxPerCore: 0 })));
            assert.ok(r.ok, r.ok ? "" : formatProblems(r.problems));
            const cp = r.model.controlPlane;
            assert.deepEqual(cp.mode === "kubeadm" && cp.kubeProxy, { mode: "iptables", conntrackMaxPerCore: 0 });
        });

        it("are refused where kubeadm deploys no kube-proxy, or with an unknown mode, naming the key", () => {
            const off = problems((v) => {
                v.controlPlane.kubeProxy = { conntrackMaxPerCore: 0 };
                v.controlPlane.addons = { kubeProxy: false };
            });
            assert.deepEqual(off.map((x) => x.path), ["osk:controlPlane.kubeProxy"]);
            assert.match(formatProblems(off), /addons\.kubeProxy is false/);
            const mode = problems((v) => (v.controlPlane.kubeProxy = { mode: "userspace" }));
            assert.deepEqual(mode.map((x) => x.path), ["osk:controlPlane.kubeProxy.mode"]);
            assert.equal(byKind(renderInit({ ...withMasters(3).cp, addons: { kubeProxy: false, coreDns: true }, kubeProxy: { mode: "iptables", conntrackMaxPerCore: 0 } }, withMasters(3).m.site), "KubeProxyConfiguration"), undefined);
        });
    });

    describe("hosts whose packages a machine image already carries", () => {
        // The prepare script's package part, run for real with stand-in binaries on PATH; apt-get records its calls.
        // Its files go under the test's own directory: the shell's own redirections (the apt source list) would
        // otherwise write this machine's /etc.
        const detection = (script: string, root: string) =>
            script.slice(script.indexOf("preinstalled=yes"), script.indexOf("# containerd's configuration")).replaceAll("/etc/", `${root}/etc/`);
        function runDetection(versions: { kubeadm: string; kubelet: string; kubectl: string; containerd: boolean }) {
            const dir = mkdtempSync(join(tmpdir(), "osk-prepare-"));
            const tool = (name: string, body: string) => {
                writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
                chmodSync(join(dir, name), 0o755);
            };
            tool("kubeadm", `echo ${versions.kubeadm}`);
            tool("kubelet", `echo "Kubernetes ${versions.kubelet}"`);
            tool("kubectl", `echo "Client Version: ${versions.kubectl}"; echo "Kustomize Version: v5.6.0"`);
            if (versions.containerd) tool("containerd", "true");
            for (const t of ["apt-get", "apt-mark", "curl", "gpg", "install"]) tool(t, `echo "${t} $*" >> ${dir}/calls`);
            // Only these stand-ins and grep are on PATH, whatever the machine itself has installed.
            symlinkSync("/usr/bin/grep", join(dir, "grep"));
            const { cp } = withMasters(3);
            for (const d of ["etc/apt/sources.list.d", "etc/apt/keyrings"]) mkdirSync(join(dir, d), { recursive: true });
            const res = spawnSync("/bin/bash", ["-euo", "pipefail", "-c", detection(prepareScript(cp), dir)], { env: { PATH: dir }, encoding: "utf8" });
            let calls = "";
            try {
                calls = readFileSync(join(dir, "calls"), "utf8");
            } catch {
                // nothing was installed
            }
            return { code: res.status, stderr: res.stderr, calls };
        }

        it("installs nothing when kubeadm, kubelet and kubectl run at the pinned version and containerd is there", () => {
            const r = runDetection({ kubeadm: "v1.33.4", kubelet: "v1.33.4", kubectl: "v1.33.4", containerd: true });
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.calls, "");
            assert.match(r.stderr, /v1\.33\.4 and containerd are installed: nothing to install/);
        });

        it("installs the pinned packages when one binary is at another version", () => {
            const r = runDetection({ kubeadm: "v1.33.4", kubelet: "v1.32.1", kubectl: "v1.33.4", containerd: true });
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.calls, /apt-get install -y -q --allow-downgrades kubelet=1\.33\.4-\* kubeadm=1\.33\.4-\* kubectl=1\.33\.4-\*/);
        });

        it("installs when containerd is missing", () => {
            const r = runDetection({ kubeadm: "v1.33.4", kubelet: "v1.33.4", kubectl: "v1.33.4", containerd: false });
            assert.match(r.calls, /apt-get install .*containerd/);
        });
    });

    describe("the bridge CNI", () => {
        const { cp } = withMasters(3);
        const c = {
            ...cp,
            network: { ...cp.network, nodes: "10.30.0.0/24" },
            workers: [{ name: "worker-1", address: "10.30.0.20" }],
            cni: { plugin: "bridge" as const, version: "v1.1.1" },
        };

        it("gives each node the pod slice its address fixes, so inventory changes move no node", () => {
            assert.equal(bridgePodRange(c, c.masters[0]), "10.244.11.0/24");
            assert.equal(bridgePodRange(c, { name: "late", address: "10.30.0.200" }), "10.244.200.0/24");
            const bigger = { ...c, masters: [...c.masters, { name: "master-4", address: "10.30.0.14" }] };
            assert.equal(bridgePodRange(bigger, c.masters[2]), bridgePodRange(c, c.masters[2]));
        });

        it("refuses a pod network too small for the node network, naming the node", () => {
            assert.throws(() => bridgePodRange({ ...c, network: { ...c.network, pods: "10.244.0.0/21" } }, c.masters[0]), /master-1 \(10\.30\.0\.11\) slice 11 of 10\.244\.0\.0\/21, which has 8 \/24 slices/);
        });

        it("writes the node's bridge network in place and routes to every other node's slice; no manifest to apply", () => {
            const script = prepareScript(c, c.masters[1]);
            const conf = JSON.parse(bridgeCniConfig(c, c.masters[1]));
            assert.deepEqual(conf.plugins[0].ipam.ranges, [[{ subnet: "10.244.12.0/24" }]]);
            assert.match(script, /> \/etc\/cni\/net\.d\/10-osk-bridge\.conflist/);
            assert.match(script, /ip route replace 10\.244\.11\.0\/24 via 10\.30\.0\.11/);
            assert.doesNotMatch(script, /ip route replace 10\.244\.12\.0\/24/);
            assert.equal(cniScript(c), "true\n");
            assert.doesNotMatch(prepareScript(cp, cp.masters[1]), /10-osk-bridge/);
        });
    });

    it("the committed prod stack still validates with every new key at its default", () => {
        const result = validateConfig(rawConfig("prod"));
        assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
    });
});
