// The kubeadm configuration OSK renders, after the same placeholder substitution the hosts run, validated by the
// real kubeadm (built by tools/k8s-tools.sh from the Kubernetes Go module, at the stacks' Kubernetes version).
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { renderInit, renderJoin } from "../../components/cluster/kubeadm";
import { containerdLoginScript, REGISTRY_PASSWORD_ENV, substituteScript } from "../../components/cluster/scripts";
import { withMasters } from "../helpers/models";

function kubeadmBinary(): string {
    const res = spawnSync("bash", [join(__dirname, "..", "..", "tools", "k8s-tools.sh"), "--env", "kubeadm"], { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`kubeadm is not built: ${res.stderr}\nrun: bash tools/k8s-tools.sh kubeadm`);
    return join(/OSK_K8S_BIN=(\S+)/.exec(res.stdout)![1], "kubeadm");
}

const alnum = (n: number) => Array.from(randomBytes(n), (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
const secrets = () => ({
    OSK_BOOTSTRAP_TOKEN: `${alnum(6)}.${alnum(16)}`,
    OSK_CERTIFICATE_KEY: randomBytes(32).toString("hex"),
    OSK_CA_CERT_HASH: `sha256:${randomBytes(32).toString("hex")}`,
});

describe("kubeadm validates OSK's rendered configuration", () => {
    let kubeadm: string;
    let dir: string;
    before(() => {
        kubeadm = kubeadmBinary();
        dir = mkdtempSync(join(tmpdir(), "osk-kubeadm-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** Substitutes like the host does, then asks kubeadm. */
    function validate(name: string, template: string): { status: number; out: string; file: string } {
        const tpl = join(dir, `${name}.template`);
        const file = join(dir, `${name}.yaml`);
        writeFileSync(tpl, template);
        execFileSync("bash", ["-euo", "pipefail", "-c", substituteScript(tpl, file)], { env: { ...process.env, ...secrets() } });
        const res = spawnSync(kubeadm, ["config", "validate", "--config", file], { encoding: "utf8" });
        return { status: res.status ?? -1, out: `${res.stdout}${res.stderr}`.trim(), file };
    }

    for (const n of [1, 3, 5]) {
        it(`accepts the init, control-plane join and worker join configurations for ${n} master(s)`, () => {
            const { cp, m } = withMasters(n);
            const init = validate(`init-${n}`, renderInit(cp, m.site));
            assert.equal(init.status, 0, init.out);
            assert.doesNotMatch(readFileSync(init.file, "utf8"), /__OSK_/);
            for (const master of cp.masters.slice(1)) {
                const join = validate(`join-${master.name}-${n}`, renderJoin(cp, master, "master"));
                assert.equal(join.status, 0, `${master.name}: ${join.out}`);
            }
            const worker = validate(`worker-${n}`, renderJoin(cp, cp.workers[0], "worker"));
            assert.equal(worker.status, 0, worker.out);
        });
    }

    it("accepts the webhook extras the tenant cluster passes (flags, mounted files, external cloud provider)", () => {
        const { cp, m } = withMasters(3);
        const res = validate("extras", renderInit(cp, m.site, {
            apiServer: { args: { "authorization-mode": "Node,RBAC,Webhook", "authentication-token-webhook-config-file": "/etc/kubernetes/webhook/authn.yaml" }, files: { "/etc/kubernetes/webhook/authn.yaml": "x" } },
            kubeletArgs: { "cloud-provider": "external" },
        }));
        assert.equal(res.status, 0, res.out);
    });

    it("accepts the site options: cgroupfs, preflight checks to ignore, kube-proxy and CoreDNS off", () => {
        const { cp, m } = withMasters(3);
        const c = { ...cp, kubelet: { ...cp.kubelet, cgroupDriver: "cgroupfs" as const }, ignorePreflightErrors: ["HTTPProxyCIDR"], addons: { kubeProxy: false, coreDns: false } };
        for (const [name, text] of [["options-init", renderInit(c, m.site)], ["options-join", renderJoin(c, c.masters[1], "master")], ["options-worker", renderJoin(c, c.workers[0], "worker")]]) {
            const res = validate(name, text);
            assert.equal(res.status, 0, `${name}: ${res.out}`);
        }
        // kubeadm itself reads the add-ons as off: its image list for this configuration has neither.
        const file = join(dir, "options-init.yaml");
        const images = spawnSync(kubeadm, ["config", "images", "list", "--config", file], { encoding: "utf8" });
        assert.equal(images.status, 0, images.stderr);
        assert.doesNotMatch(images.stdout, /kube-proxy|coredns/);
        assert.match(images.stdout, /kube-apiserver/);
    });

    it("accepts kube-proxy's settings in init (the mode, conntrack left alone), read strictly as kube-proxy's own document", () => {
        const { cp, m } = withMasters(3);
        const text = renderInit({ ...cp, kubeProxy: { mode: "nftables", conntrackMaxPerCore: 0 } }, m.site);
        const ok = validate("kube-proxy", text);
        assert.equal(ok.status, 0, ok.out);
        // kubeadm decodes the document kube-proxy gets strictly: a field kube-proxy does not have is refused.
        const bad = validate("kube-proxy-bad", text.replace("maxPerCore:", "maxPerCpu:"));
        assert.notEqual(bad.status, 0);
        assert.match(bad.out, /KubeProxyConfiguration[\s\S]*unknown field "conntrack.maxPerCpu"|unknown field/);
    });

    it("rejects a broken configuration, so the checks above can fail", () => {
        const { cp, m } = withMasters(3);
        const res = validate("broken", renderInit({ ...cp, network: { ...cp.network, pods: "10.244.0.0/99" } }, m.site));
        assert.notEqual(res.status, 0);
        assert.match(res.out, /podSubnet/);
    });
});

describe("containerd reads the mirror login the host preparation writes (the real containerd, Debian's)", () => {
    it("parses the login table with the password exactly as given, quotes and backslashes included", () => {
        const dir = mkdtempSync(join(tmpdir(), "osk-containerd-"));
        try {
            const password = `p"w\\x$(id)'`;
            const script = `{ containerd config default; ${containerdLoginScript({ host: "mirror.example.net:5000", username: "osk-pull" })}; } > ${dir}/config.toml`;
            execFileSync("bash", ["-c", script], { env: { ...process.env, [REGISTRY_PASSWORD_ENV]: password } });
            // The password reached the file through the environment, not the script text.
            assert.equal(script.includes("p\"w"), false);
            const dumped = execFileSync("containerd", ["-c", join(dir, "config.toml"), "config", "dump"], { encoding: "utf8" });
            const table = dumped.slice(dumped.indexOf('registry.configs."mirror.example.net:5000".auth]'));
            assert.match(table, /username = "osk-pull"/);
            const quoted = /password = ("(?:[^"\\]|\\.)*")/.exec(table)![1];
            assert.equal(JSON.parse(quoted), password);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
