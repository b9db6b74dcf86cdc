// An OpenSSH server (Debian's openssh-server) on a free loopback port, for remote steps to reach as they reach hosts:
// its own host key, one client key authorised for root, tracked by PID and stopped by the caller.
import { execFileSync, spawn, type ChildProcess } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import { join } from "path";

export interface Sshd {
    port: number;
    /** The client's private key (OpenSSH format). */
    key: string;
    stop(): void;
}

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

export async function startSshd(): Promise<Sshd> {
    const dir = mkdtempSync(join(tmpdir(), "osk-sshd-"));
    const port = await freePort();
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
    const config = [`Port ${port}`, "ListenAddress 127.0.0.1", `HostKey ${join(dir, "host_key")}`, `AuthorizedKeysFile ${join(dir, "authorized_keys")}`, `PidFile ${join(dir, "sshd.pid")}`];
    writeFileSync(join(dir, "sshd_config"), [...config, "StrictModes no", "UsePAM no", "PasswordAuthentication no", "PermitRootLogin prohibit-password", ""].join("\n"));
    execFileSync("mkdir", ["-p", "/run/sshd"]);
    const sshd: ChildProcess = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
    const stop = () => {
        if (sshd.exitCode === null) sshd.kill("SIGTERM");
        rmSync(dir, { recursive: true, force: true });
    };
    for (let i = 0; i < 50; i++) {
        try {
            execFileSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: "ignore" });
            return { port, key: readFileSync(join(dir, "client_key"), "utf8"), stop };
        } catch {
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    stop();
    throw new Error("sshd did not start");
}
