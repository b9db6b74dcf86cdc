// Remote steps over real SSH: an OpenSSH server started on loopback for the test, reached directly and through
// itself as a jump host, exactly as the control plane's steps reach hosts.
import { strict as assert } from "assert";
import { execFileSync, spawn, type ChildProcess } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { execute, type State } from "../../components/remote/command";

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

describe("remote steps over real SSH (OpenSSH on loopback)", function () {
    // Each step is an engine run: minutes on a machine loaded by the lab parts beside this tier.
    this.timeout(300_000);
    let dir: string;
    let sshd: ChildProcess;
    let port: number;
    let key: string;

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "osk-sshd-"));
        port = await freePort();
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
        writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
        key = readFileSync(join(dir, "client_key"), "utf8");
        writeFileSync(
            join(dir, "sshd_config"),
            [
                `Port ${port}`,
                "ListenAddress 127.0.0.1",
                `HostKey ${join(dir, "host_key")}`,
                `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
                `PidFile ${join(dir, "sshd.pid")}`,
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding yes",
                "",
            ].join("\n"),
        );
        execFileSync("mkdir", ["-p", "/run/sshd"]);
        sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
        for (let i = 0; i < 50; i++) {
            try {
                execFileSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: "ignore" });
                return;
            } catch {
                await new Promise((r) => setTimeout(r, 100));
            }
        }
        throw new Error("sshd did not start");
    });

    after(() => {
        sshd?.kill("SIGTERM");
        rmSync(dir, { recursive: true, force: true });
    });

    const state = (over: Partial<State> = {}): State => ({
        connection: { host: "127.0.0.1", port, user: "root" },
        privateKey: key,
        create: "",
        ...over,
    });

    it("runs a step: environment, secret environment and files arrive, stdout comes back", async () => {
        const target = join(dir, "step", "kubeadm.yaml");
        const out = await execute(
            state({ environment: { OSK_PLAIN: "plain value" }, secretEnvironment: { OSK_TOKEN: "abc'def$x" }, files: { [target]: "kind: Test\nx: $HOME\n" } }),
            `echo "$OSK_PLAIN|$OSK_TOKEN"; cat ${target}; stat -c %a ${target}`,
            "create",
        );
        assert.equal(out, `plain value|abc'def$x\nkind: Test\nx: $HOME\n600\n`);
        assert.equal(statSync(target).mode & 0o777, 0o600);
    });

    it("fails a step with its exit code and the tail of stderr, never stdout", async () => {
        await assert.rejects(execute(state(), "echo token-on-stdout; echo broken >&2; exit 7", "create"), (e: Error) => {
            return /create on 127\.0\.0\.1 exited with 7:\nbroken/.test(e.message) && !e.message.includes("token-on-stdout");
        });
    });

    it("runs with `set -euo pipefail`: an unset variable or a failed pipe stops the step", async () => {
        await assert.rejects(execute(state(), 'echo "$NOT_SET_ANYWHERE"', "create"), /exited with 1/);
        await assert.rejects(execute(state(), "false | true", "create"), /exited with 1/);
    });

    it("goes through a jump host", async () => {
        const out = await execute(state({ connection: { host: "127.0.0.1", port, user: "root", jumpHost: { host: "127.0.0.1", port, user: "root" } } }), "echo via-jump", "create");
        assert.equal(out, "via-jump\n");
    });

    it("refuses a wrong key", async () => {
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other_key")]);
        await assert.rejects(execute(state({ privateKey: readFileSync(join(dir, "other_key"), "utf8") }), "true", "create"), /authentication/i);
    });
});
