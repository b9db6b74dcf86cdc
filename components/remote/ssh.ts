// Runs one shell script on a host over SSH, optionally through a jump host. Used inside the remote command
// provider, so it must stay self-contained: it requires its libraries at call time.

/** How to reach a host. */
export interface Connection {
    host: string;
    /** @default 22 */
    port?: number;
    user: string;
    /** OpenSSH or PEM private key text. */
    privateKey: string;
    /** Bastion the connection is tunnelled through. */
    jumpHost?: { host: string; port?: number; user: string };
    /** Seconds to wait for the TCP and SSH handshake. @default 30 */
    connectTimeout?: number;
}

export interface RunResult {
    stdout: string;
    stderr: string;
    exitCode: number;
}

/**
 * Executes `script` with `bash -euo pipefail` on the host. The script travels on stdin, never on the command
 * line, so secrets in it do not show up in the remote process list.
 */
export function runRemote(conn: Connection, script: string): Promise<RunResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require("ssh2") as typeof import("ssh2");
    const timeout = (conn.connectTimeout ?? 30) * 1000;
    const clients: InstanceType<typeof Client>[] = [];
    const closeAll = () => clients.forEach((c) => c.end());

    const connect = (opts: Record<string, unknown>) =>
        new Promise<InstanceType<typeof Client>>((resolve, reject) => {
            const c = new Client();
            clients.push(c);
            c.on("ready", () => resolve(c)).on("error", reject).connect({ readyTimeout: timeout, ...opts });
        });

    const run = async (): Promise<RunResult> => {
        let sock: unknown;
        if (conn.jumpHost) {
            const jump = await connect({ host: conn.jumpHost.host, port: conn.jumpHost.port ?? 22, username: conn.jumpHost.user, privateKey: conn.privateKey });
            sock = await new Promise((resolve, reject) =>
                jump.forwardOut("127.0.0.1", 0, conn.host, conn.port ?? 22, (err, stream) => (err ? reject(err) : resolve(stream))),
            );
        }
        const client = await connect({ host: conn.host, port: conn.port ?? 22, username: conn.user, privateKey: conn.privateKey, sock });
        return new Promise<RunResult>((resolve, reject) => {
            client.exec("bash -euo pipefail -s", (err, stream) => {
                if (err) return reject(err);
                let stdout = "";
                let stderr = "";
                stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
                stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
                stream.on("close", (code: number | null) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
                stream.end(script);
            });
        });
    };
    return run().finally(closeAll);
}
