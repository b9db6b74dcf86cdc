// tools/doctor.sh, run for real on this machine with one prerequisite taken away at a time: a PATH without go, a
// fake uname, id or dpkg ahead of the real ones, a meminfo file, a port held open, registries that do not answer.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { createServer, type Server } from "net";
import { tmpdir } from "os";
import { delimiter, join } from "path";
import { ROOT } from "../helpers/stacks";

interface Doctor {
    code: number;
    lines: string[];
}

let scratch: string;
/** This PATH with the given programs taken out: a directory that holds one is replaced by a copy of it made of
 * links to everything else in it (so /usr/bin without node still has bash, sed and awk). */
function pathWithout(...programs: string[]): string {
    return (process.env.PATH ?? "")
        .split(delimiter)
        .map((dir) => {
            if (!programs.some((p) => existsSync(join(dir, p)))) return dir;
            const shadow = mkdtempSync(join(scratch, "path-"));
            for (const entry of readdirSync(dir)) if (!programs.includes(entry)) symlinkSync(join(dir, entry), join(shadow, entry));
            return shadow;
        })
        .join(delimiter);
}
/** A directory of stand-in programs (shell scripts), to put ahead of the real ones on PATH. */
function fakes(scripts: Record<string, string>): string {
    const dir = mkdtempSync(join(scratch, "bin-"));
    for (const [name, body] of Object.entries(scripts)) {
        writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
        chmodSync(join(dir, name), 0o755);
    }
    return dir;
}
function doctor(env: NodeJS.ProcessEnv, mode = "test"): Doctor {
    const res = spawnSync("bash", [join(ROOT, "tools", "doctor.sh"), mode], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60000 });
    return { code: res.status ?? -1, lines: (res.stdout + res.stderr).split("\n").filter((l) => l.length > 0) };
}
function line(d: Doctor, topic: string): string {
    const found = d.lines.filter((l) => new RegExp(`^\\[doctor\\] \\S+ +${topic}: `).test(l));
    assert.ok(found.length > 0, `no ${topic} line in:\n${d.lines.join("\n")}`);
    return found.join("\n");
}
function blocks(d: Doctor, topic: string, message: RegExp): void {
    assert.equal(d.code, 1, d.lines.join("\n"));
    const l = line(d, topic);
    assert.match(l, /BLOCKER/);
    assert.match(l, message);
    assert.match(d.lines[d.lines.length - 1], /blocker\(s\): fix the lines marked BLOCKER/);
}

describe("./osk doctor", function () {
    this.timeout(120000);
    let emptyCache: string;
    before(() => {
        scratch = mkdtempSync(join(tmpdir(), "osk-doctor-"));
        emptyCache = join(scratch, "cache");
        mkdirSync(emptyCache);
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("prints one line per check on this machine, the lab's ports read from tools/lab", () => {
        const d = doctor({});
        for (const topic of ["os", "go", "node", "root", "disk", "memory", "ports", "npm registry", "Go module proxy", "apt source"]) line(d, topic);
        assert.match(line(d, "ports"), /15000 \(keystone\)/);
        assert.match(line(d, "ports"), /18080 \(chart\)/);
        assert.equal(d.code, d.lines.some((l) => / BLOCKER /.test(l)) ? 1 : 0);
    });

    it("stops a cold run without Go", () => {
        blocks(doctor({ PATH: pathWithout("go"), OSK_CACHE: emptyCache }), "go", /not on PATH; the engine and the Kubernetes tools are built from Go modules .*install Go 1\.26 or newer/);
    });

    it("stops a cold run with a Go older than the modules declare", () => {
        const bin = fakes({ go: 'case "$*" in "env GOVERSION") echo go1.22.1 ;; "env GOPROXY") echo off ;; *) exit 1 ;; esac' });
        blocks(doctor({ PATH: `${bin}${delimiter}${process.env.PATH}`, OSK_CACHE: emptyCache }), "go", /1\.22\.1 is older than 1\.26.*install Go 1\.26 or newer/);
    });

    it("stops on an OS other than Linux", () => {
        const bin = fakes({ uname: 'case "$1" in -s) echo Darwin ;; -m) echo arm64 ;; esac' });
        blocks(doctor({ PATH: `${bin}${delimiter}${process.env.PATH}` }), "os", /Darwin arm64: .*need Linux/);
    });

    it("stops when not root and the lab's Debian packages are missing", () => {
        const bin = fakes({ id: 'case "$1" in -u) echo 1000 ;; *) echo osk ;; esac', dpkg: "exit 1" });
        blocks(doctor({ PATH: `${bin}${delimiter}${process.env.PATH}` }), "root", /not root, and the lab needs Debian packages installed: keystone python3-openstackclient openssh-server graphviz; run as root/);
    });

    it("stops without Node.js and npm", () => {
        blocks(doctor({ PATH: pathWithout("node", "npm") }), "node", /not on PATH; install Node\.js with npm \(any version/);
    });

    it("stops a cold run without the free disk it needs", () => {
        blocks(doctor({ OSK_CACHE: emptyCache, OSK_DOCTOR_DISK_GIB: "100000" }), "disk", /GiB free at .*cache, a cold run needs 100000 GiB .*set OSK_CACHE to a larger disk/);
    });

    it("stops without the memory it needs", () => {
        const meminfo = join(scratch, "meminfo");
        writeFileSync(meminfo, "MemTotal:        2097152 kB\nMemAvailable:    1048576 kB\n");
        blocks(doctor({ OSK_DOCTOR_MEMINFO: meminfo, OSK_TEST_OPENSTACK: "1" }), "memory", /1\.0 GiB available, the largest build or the lab needs 16 GiB/);
        blocks(doctor({ OSK_DOCTOR_MEMINFO: meminfo, OSK_TEST_OPENSTACK: "1", OSK_TEST_FLEET: "0" }), "memory", /the largest build or the lab needs 14 GiB/);
        blocks(doctor({ OSK_DOCTOR_MEMINFO: meminfo, OSK_TEST_OPENSTACK: "0", OSK_TEST_FLEET: "0" }), "memory", /the largest build or the lab needs 8 GiB/);
    });

    describe("with the lab OpenStack's Keystone port taken", () => {
        let server: Server | undefined;
        before((done) => {
            // Held here, or already held by a lab OpenStack that is up: either way the doctor must see it taken.
            const s = createServer();
            s.once("error", () => done());
            s.listen(16000, "127.0.0.1", () => ((server = s), done()));
        });
        after((done) => (server ? void server.close(() => done()) : done()));

        it("blocks a test run that includes the lab OpenStack part, naming the port from its port table", () => {
            blocks(doctor({ OSK_TEST_OPENSTACK: "1" }), "ports", /16000 \(openstack-keystone\) is in use by pid \d+/);
        });

        it("leaves it alone when the run does not include that part", () => {
            assert.doesNotMatch(line(doctor({ OSK_TEST_OPENSTACK: "0" }), "ports"), /16000|openstack-/);
        });
    });

    describe("with a lab port taken", () => {
        let server: Server;
        let port: number;
        before((done) => {
            server = createServer().listen(0, "127.0.0.1", () => {
                port = (server.address() as { port: number }).port;
                done();
            });
        });
        after((done) => void server.close(() => done()));

        it("names the port and the process holding it", () => {
            blocks(doctor({ OSK_DOCTOR_PORTS: `${port}:test-service` }), "ports", new RegExp(`${port} \\(test-service\\) is in use by pid ${process.pid} \\(node\\).*\\./osk lab down`));
        });
    });

    describe("with registries that do not answer", () => {
        it("stops a cold run when the Go module proxy GOPROXY names does not answer", () => {
            blocks(doctor({ OSK_CACHE: emptyCache, GOPROXY: "http://127.0.0.1:1/gomod,direct" }), "Go module proxy", /http:\/\/127\.0\.0\.1:1\/gomod does not answer, and the engine and the Kubernetes tools must be built from Go modules/);
        });

        it("stops when Node.js must be fetched and the npm registry npm is configured with does not answer", () => {
            // A node older than 22 ahead of the real one; every other use of node still reaches the real one.
            const realNode = process.execPath;
            const bin = fakes({ node: `[ "$1 $2" = "-p process.versions.node" ] && { echo 18.20.4; exit 0; }\nexec "${realNode}" "$@"` });
            const d = doctor({ PATH: `${bin}${delimiter}${process.env.PATH}`, OSK_CACHE: emptyCache, npm_config_registry: "http://127.0.0.1:1/npm/" });
            assert.match(line(d, "node"), /18\.20\.4 on PATH is older than 22: the pinned Node\.js will be fetched from the npm registry/);
            blocks(d, "npm registry", /http:\/\/127\.0\.0\.1:1\/npm\/ does not answer, and the npm packages \(or Node\.js 22\) must be fetched/);
        });

        it("stops when Debian packages are missing and an apt source does not answer", () => {
            const sources = join(scratch, "sources.list");
            const parts = join(scratch, "sources.list.d");
            mkdirSync(parts, { recursive: true });
            writeFileSync(sources, "deb [signed-by=/nonexistent.gpg] http://127.0.0.1:1/debian bookworm main\n");
            writeFileSync(join(parts, "extra.sources"), "Types: deb\nURIs: http://127.0.0.1:1/debian-security\nSuites: bookworm-security\n");
            const aptConfig = join(scratch, "apt.conf");
            writeFileSync(aptConfig, `Dir::Etc::sourcelist "${sources}";\nDir::Etc::sourceparts "${parts}";\n`);
            const bin = fakes({ dpkg: "exit 1" });
            const d = doctor({ PATH: `${bin}${delimiter}${process.env.PATH}`, APT_CONFIG: aptConfig });
            blocks(d, "apt source", /http:\/\/127\.0\.0\.1:1\/debian does not answer, and keystone python3-openstackclient openssh-server graphviz must be installed/);
            assert.match(line(d, "apt source"), /http:\/\/127\.0\.0\.1:1\/debian-security does not answer/);
        });
    });

    it("is what ./osk run does first: a blocker stops it before anything is built", () => {
        const bin = fakes({ uname: 'case "$1" in -s) echo Darwin ;; -m) echo x86_64 ;; esac' });
        // Without Go as well, so that even a doctor that let this through could not start a build.
        const res = spawnSync(join(ROOT, "osk"), ["run"], { cwd: ROOT, env: { ...process.env, PATH: `${bin}${delimiter}${pathWithout("go")}`, OSK_CACHE: emptyCache }, encoding: "utf8", timeout: 60000 });
        assert.equal(res.status, 1);
        assert.match(res.stdout, /BLOCKER os: Darwin x86_64/);
        assert.doesNotMatch(res.stdout + res.stderr, /==>|\[toolchain\]|\[lab\]/);
    });
});
