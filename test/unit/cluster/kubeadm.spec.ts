import { strict as assert } from "assert";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { certSANs, PLACEHOLDER, renderInit, renderJoin } from "../../../components/cluster/kubeadm";
import { renderHaproxy, renderKeepalived, vrrpPriority, vrrpRouterId } from "../../../components/cluster/loadbalancer";
import { withMasters } from "../../helpers/models";

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJSON() as Record<string, any>);
const byKind = (text: string, kind: string) => docs(text).find((d) => d.kind === kind)!;
const arg = (list: { name: string; value: string }[], name: string) => list.find((a) => a.name === name)?.value;

for (const n of [1, 3, 5]) {
    describe(`kubeadm configuration for ${n} master${n > 1 ? "s" : ""}`, () => {
        const { cp, m } = withMasters(n);
        const init = renderInit(cp, m.site);
        const cluster = byKind(init, "ClusterConfiguration");

        it("puts every client behind the one endpoint", () => {
            assert.equal(cluster.controlPlaneEndpoint, "10.30.0.10:8443");
            for (const master of cp.masters.slice(1)) {
                const join = byKind(renderJoin(cp, master, "master"), "JoinConfiguration");
                assert.equal(join.discovery.bootstrapToken.apiServerEndpoint, "10.30.0.10:8443");
            }
        });

        it("covers the endpoint and every master in the certificate SANs", () => {
            const sans: string[] = cluster.apiServer.certSANs;
            assert.ok(sans.includes("10.30.0.10"));
            for (const master of cp.masters) assert.ok(sans.includes(master.name) && sans.includes(master.address), master.name);
            assert.equal(new Set(sans).size, sans.length);
            assert.deepEqual(certSANs(cp), sans);
        });

        it("runs stacked etcd, one member per master: init on the first, control-plane joins for the rest", () => {
            assert.deepEqual(cluster.etcd, { local: { dataDir: "/var/lib/etcd" } });
            const first = byKind(init, "InitConfiguration");
            assert.equal(first.localAPIEndpoint.advertiseAddress, cp.masters[0].address);
            const joins = cp.masters.slice(1).map((h) => byKind(renderJoin(cp, h, "master"), "JoinConfiguration"));
            assert.equal(1 + joins.filter((j) => j.controlPlane).length, n);
            joins.forEach((j, i) => assert.equal(j.controlPlane.localAPIEndpoint.advertiseAddress, cp.masters[i + 1].address));
        });

        it("turns leader election on for the scheduler and the controller-manager", () => {
            assert.equal(arg(cluster.scheduler.extraArgs, "leader-elect"), "true");
            assert.equal(arg(cluster.controllerManager.extraArgs, "leader-elect"), "true");
        });

        it("reserves resources for the system and the kubelet, with eviction thresholds", () => {
            const kubelet = byKind(init, "KubeletConfiguration");
            assert.deepEqual(kubelet.kubeReserved, { cpu: "500m", memory: "1Gi" });
            assert.deepEqual(kubelet.systemReserved, { cpu: "500m", memory: "1Gi" });
            assert.deepEqual(kubelet.evictionHard, { "memory.available": "500Mi", "nodefs.available": "10%" });
            assert.equal(kubelet.cgroupDriver, "systemd");
        });

        it("carries placeholders, never secrets", () => {
            const first = byKind(init, "InitConfiguration");
            assert.equal(first.bootstrapTokens[0].token, PLACEHOLDER.token);
            assert.equal(first.certificateKey, PLACEHOLDER.certificateKey);
        });
    });
}

describe("kubeadm configuration details", () => {
    const { cp, m } = withMasters(3);

    it("joins workers without a control-plane section, pinned to the CA hash", () => {
        const worker = m.controlPlane.mode === "kubeadm" ? m.controlPlane.workers[0] : undefined;
        const join = byKind(renderJoin(cp, worker!, "worker"), "JoinConfiguration");
        assert.equal(join.controlPlane, undefined);
        assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, [PLACEHOLDER.caCertHash]);
        assert.equal(arg(join.nodeRegistration.kubeletExtraArgs, "node-ip"), worker!.address);
    });

    it("passes extra apiserver flags and mounts extra files read-only", () => {
        const init = renderInit(cp, m.site, {
            apiServer: { args: { "authorization-mode": "Node,RBAC,Webhook" }, files: { "/etc/kubernetes/webhook/authz.yaml": "x" } },
            kubeletArgs: { "cloud-provider": "external" },
        });
        const cluster = byKind(init, "ClusterConfiguration");
        assert.equal(arg(cluster.apiServer.extraArgs, "authorization-mode"), "Node,RBAC,Webhook");
        assert.deepEqual(cluster.apiServer.extraVolumes, [
            { name: "osk-file-0", hostPath: "/etc/kubernetes/webhook/authz.yaml", mountPath: "/etc/kubernetes/webhook/authz.yaml", readOnly: true, pathType: "File" },
        ]);
        assert.equal(arg(byKind(init, "InitConfiguration").nodeRegistration.kubeletExtraArgs, "cloud-provider"), "external");
    });

    it("configured apiserver flags from the stack reach the apiserver", () => {
        const { cp: c2, m: m2 } = withMasters(3);
        const init = renderInit({ ...c2, apiServerExtraArgs: { "audit-log-path": "/var/log/audit.log" } }, m2.site);
        assert.equal(arg(byKind(init, "ClusterConfiguration").apiServer.extraArgs, "audit-log-path"), "/var/log/audit.log");
    });
});

describe("VIP load balancer", () => {
    const { cp, m } = withMasters(3);

    it("balances over every apiserver on its own port, listening on the endpoint port", () => {
        const cfg = renderHaproxy(cp);
        assert.match(cfg, /bind :::8443 v4v6/);
        for (const master of cp.masters) assert.match(cfg, new RegExp(`server ${master.name} ${master.address.replace(/\./g, "\\.")}:6443 check`));
    });

    it("gives each master its own priority and the others as unicast peers", () => {
        const confs = cp.masters.map((h) => renderKeepalived(cp, m.site, h));
        confs.forEach((c, i) => {
            assert.match(c, new RegExp(`priority ${vrrpPriority(i)}\\b`));
            assert.match(c, /10\.30\.0\.10\/32/);
            assert.match(c, new RegExp(`unicast_src_ip ${cp.masters[i].address.replace(/\./g, "\\.")}`));
            const peers = cp.masters.filter((_, j) => j !== i).map((p) => p.address);
            for (const p of peers) assert.ok(c.includes(`        ${p}\n`));
            assert.ok(!c.includes(`        ${cp.masters[i].address}\n`));
        });
        assert.equal(new Set(cp.masters.map((_, i) => vrrpPriority(i))).size, 3);
    });

    it("derives a VRRP router id in 1..255 for any site name", () => {
        fc.assert(fc.property(fc.string(), (s) => {
            const id = vrrpRouterId(s);
            return Number.isInteger(id) && id >= 1 && id <= 255 && id === vrrpRouterId(s);
        }));
    });
});
