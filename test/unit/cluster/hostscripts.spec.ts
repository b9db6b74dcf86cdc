// Pieces of the control plane's host scripts run here for real: the certificate SAN check with the machine's
// openssl, the bridge CNI's boot-time routes, and the remote step's hand-over between hosts.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { bridgePodRange, initScript, podRoutesScript, POD_ROUTES, POD_ROUTES_UNIT, prepareScript, sanGapScript } from "../../../components/cluster/scripts";
import { execute, HAND_OVER, type State } from "../../../components/remote/command";
import type { RunResult } from "../../../components/remote/ssh";
import { withMasters } from "../../helpers/models";

const bash = (script: string) => execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });

describe("the apiserver certificate's SAN check", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "osk-san-"));
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=kube-apiserver",
            "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-addext", "subjectAltName=DNS:master-1,IP:10.30.0.10,IP:10.30.0.11,IP:fd00::11"], { stdio: "ignore" });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("prints exactly the names and addresses the certificate does not cover, IPv6 in any spelling", () => {
        const gap = bash(sanGapScript(join(dir, "c.pem"), ["10.30.0.10", "master-1", "10.30.0.11", "fd00:0::11", "master-4", "10.30.0.14"]));
        assert.deepEqual(gap.trim().split("\n"), ["master-4", "10.30.0.14"]);
        assert.equal(bash(sanGapScript(join(dir, "c.pem"), ["10.30.0.10", "master-1"])), "");
    });
});

describe("kubeadm init on the first master", () => {
    it("keeps the token and the certificate key out of its output, which failures show", () => {
        const init = /^\s*kubeadm init --config .*$/m.exec(initScript())![0];
        for (const flag of ["--skip-token-print", "--skip-certificate-key-print", "--upload-certs"]) assert.ok(init.includes(flag), flag);
    });

    it("finds its bootstrap token without a pipeline grep -q can break, and takes an existing one as done", () => {
        const script = initScript();
        assert.ok(!/kubeadm token list[^\n]*\|\s*grep -q/.test(script));
        assert.match(script, /already exists/);
    });
});

describe("the bridge CNI's routes", () => {
    const { cp } = withMasters(3);
    // A pod network with a /24 slice for every address of the node network.
    const bridge = { ...cp, cni: { ...cp.cni, plugin: "bridge" as const }, network: { ...cp.network, pods: "10.128.0.0/9" } };

    it("route every other node's pod slice through that node, and nothing to the node's own", () => {
        const script = podRoutesScript(bridge, bridge.masters[0]);
        for (const h of [...bridge.masters.slice(1), ...bridge.workers]) assert.ok(script.includes(`ip route replace ${bridgePodRange(bridge, h)} via ${h.address}\n`), h.name);
        assert.ok(!script.includes(` via ${bridge.masters[0].address}`));
    });

    it("are set again at every boot by a oneshot unit, enabled by the host preparation", () => {
        const prepare = prepareScript(bridge, bridge.masters[0]);
        assert.match(POD_ROUTES_UNIT, new RegExp(`^ExecStart=/bin/sh ${POD_ROUTES.script}$`, "m"));
        assert.match(POD_ROUTES_UNIT, /^Type=oneshot$/m);
        assert.match(POD_ROUTES_UNIT, /^WantedBy=multi-user\.target$/m);
        assert.match(prepare, /systemctl enable osk-pod-routes/);
        assert.ok(prepare.includes(POD_ROUTES.unit));
        assert.ok(!prepareScript(cp, cp.masters[0]).includes("osk-pod-routes"), "only the bridge CNI needs them");
    });
});

describe("a remote step with alternate hosts", () => {
    const state: State = { connection: { host: "10.0.0.1", user: "root" }, alternateHosts: ["10.0.0.1", "10.0.0.2", "10.0.0.3"], privateKey: "k", create: "work" };
    /** A transport where each host is down, hands over, fails or works, recording where it ran. */
    const hosts = (behaviour: Record<string, "down" | "handover" | "fail" | "ok">, ran: string[]) => async (c: { host: string }): Promise<RunResult> => {
        ran.push(c.host);
        const b = behaviour[c.host];
        if (b === "down") throw new Error(`connect EHOSTUNREACH ${c.host}:22`);
        return { stdout: `on ${c.host}`, stderr: b === "handover" ? "cannot reach the cluster's API" : b === "fail" ? "broken" : "", exitCode: b === "ok" ? 0 : b === "fail" ? 1 : HAND_OVER };
    };

    it("runs on the first host that is up and does not hand over, in order, each host once", async () => {
        const ran: string[] = [];
        assert.equal(await execute(state, "x", "delete", hosts({ "10.0.0.1": "down", "10.0.0.2": "handover", "10.0.0.3": "ok" }, ran)), "on 10.0.0.3");
        assert.deepEqual(ran, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    });

    it("stops at a real failure instead of trying it elsewhere", async () => {
        const ran: string[] = [];
        await assert.rejects(execute(state, "x", "delete", hosts({ "10.0.0.1": "fail", "10.0.0.2": "ok" }, ran)), /delete on 10\.0\.0\.1 exited with 1:\nbroken/);
        assert.deepEqual(ran, ["10.0.0.1"]);
    });

    it("says where it tried when no host could run it", async () => {
        await assert.rejects(execute(state, "x", "delete", hosts({ "10.0.0.1": "down", "10.0.0.2": "handover", "10.0.0.3": "down" }, [])),
            /no host could run it; tried 10\.0\.0\.1: connect EHOSTUNREACH.*; 10\.0\.0\.2: handed over \(cannot reach the cluster's API\); 10\.0\.0\.3/);
    });

    it("without alternates, a hand-over status is a failure like any other", async () => {
        await assert.rejects(execute({ ...state, alternateHosts: [] }, "x", "create", hosts({ "10.0.0.1": "handover" }, [])), /exited with 75/);
    });
});
