// Progress of long steps (tools/lib/progress.sh and its TypeScript face): real steps that sleep, write bytes or
// fail, with a short tick interval, in plain (CI log) and terminal mode.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { formatSeconds, lastTime } from "../../tools/lib/progress";
import { ROOT } from "../helpers/stacks";

let cache: string;
function progress(script: string, env: NodeJS.ProcessEnv = {}): { code: number; stderr: string } {
    const res = spawnSync("bash", ["-c", `set -euo pipefail; . tools/lib/progress.sh; ${script}`], {
        cwd: ROOT,
        env: { ...process.env, OSK_CACHE: cache, OSK_PROGRESS: "plain", OSK_PROGRESS_INTERVAL: "1", ...env },
        encoding: "utf8",
        timeout: 30000,
    });
    return { code: res.status ?? -1, stderr: res.stderr };
}
const times = () => readFileSync(join(cache, "build-times.tsv"), "utf8");

describe("progress of a long step", function () {
    this.timeout(60000);
    beforeEach(() => {
        cache = mkdtempSync(join(tmpdir(), "osk-progress-"));
    });
    afterEach(() => rmSync(cache, { recursive: true, force: true }));

    it("says what runs and how long it took last time, ticks with the elapsed time, and records the time", () => {
        writeFileSync(join(cache, "build-times.tsv"), "demo:build\t250\t2026-01-01T00:00:00Z\ndemo:build\t190\t2026-01-02T00:00:00Z\n");
        const { code, stderr } = progress('progress_run demo demo:build "building demo" sleep 3.5');
        assert.equal(code, 0);
        const lines = stderr.trim().split("\n");
        assert.equal(lines[0], "[demo] building demo (took 3m10s last time on this machine)");
        const ticks = lines.filter((l) => /^\[demo\] building demo: \d s \(last time 3m10s\)$/.test(l));
        assert.ok(ticks.length >= 2, stderr);
        assert.match(lines[lines.length - 1], /^\[demo\] building demo: done in [34] s$/);
        assert.match(times().trim().split("\n").pop()!, /^demo:build\t[34]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("says so the first time on this machine", () => {
        assert.match(progress('progress_run demo demo:new "new step" true').stderr, /^\[demo\] new step \(first time on this machine\)$/m);
    });

    it("shows the bytes downloaded into a watched directory", () => {
        const watched = join(cache, "downloads");
        const { stderr } = progress(`mkdir -p ${watched}; fetch() { sleep 0.3; head -c 3000000 /dev/zero > ${watched}/blob; sleep 2.5; }; progress_run demo demo:fetch "fetching" fetch`, { OSK_PROGRESS_WATCH: watched });
        assert.match(stderr, /^\[demo\] fetching: \d s \(first time on this machine\), downloaded 3\.0 MB$/m);
    });

    it("updates one line in place on a terminal", () => {
        const { stderr } = progress('progress_run demo demo:tty "on a terminal" sleep 2.5', { OSK_PROGRESS: "tty" });
        // Two updates of the same line, whatever seconds a busy machine lets the ticker see.
        assert.match(stderr, /\r\x1b\[K\[demo\] on a terminal: \d+ s \(first time on this machine\)\r\x1b\[K\[demo\] on a terminal: \d+ s/);
        assert.match(stderr, /\r\x1b\[K\[demo\] on a terminal: done in \d+ s\n$/);
    });

    it("keeps quiet while the step prints its own output (the silence file grows)", () => {
        const out = join(cache, "out.log");
        const { stderr } = progress(`talk() { for i in 1 2 3 4 5 6; do echo line >> ${out}; sleep 0.4; done; }; progress_run demo demo:talk "talking" talk`, { OSK_PROGRESS_SILENCE: out, OSK_PROGRESS_INTERVAL: "2" });
        assert.doesNotMatch(stderr, /talking: \d s/);
        assert.match(stderr, /talking: done in/);
    });

    it("fails as the step fails, set -e still working inside it, and records no time", () => {
        const { code, stderr } = progress('step() { false; echo "went on after a failure" >&2; }; progress_run demo demo:fail "failing step" step; echo unreachable >&2');
        assert.equal(code, 1);
        assert.doesNotMatch(stderr, /went on after a failure|unreachable|done in/);
        assert.throws(() => times());
    });

    it("ticks from its own process while a TypeScript step blocks in spawnSync, and reads the same record", () => {
        writeFileSync(join(cache, "build-times.tsv"), "lab:phase\t75\t2026-01-01T00:00:00Z\n");
        const program = `require("ts-node/register/transpile-only"); const { step } = require("./tools/lib/progress"); step("lab phase", "lab:phase", () => require("child_process").spawnSync("sleep", ["3.5"]));`;
        const res = spawnSync(process.execPath, ["-e", program], { cwd: ROOT, env: { ...process.env, OSK_CACHE: cache, OSK_PROGRESS: "plain", OSK_PROGRESS_INTERVAL: "1" }, encoding: "utf8", timeout: 30000 });
        assert.equal(res.status, 0, res.stderr);
        const lines = res.stderr.trim().split("\n");
        assert.equal(lines[0], "[lab] lab phase (took 1m15s last time on this machine)");
        assert.ok(lines.filter((l) => /^\[lab\] lab phase: \d s \(last time 1m15s\)$/.test(l)).length >= 2, res.stderr);
        assert.match(lines[lines.length - 1], /^\[lab\] lab phase: done in [34] s$/);
        assert.ok([3, 4].includes(lastTime("lab:phase", join(cache, "build-times.tsv"))!));
    });

    it("formats durations the same way on both sides", () => {
        assert.deepEqual([42, 187, 3720].map(formatSeconds), ["42 s", "3m07s", "1h02m"]);
        const res = spawnSync("bash", ["-c", ". tools/lib/progress.sh; for s in 42 187 3720; do progress_fmt $s; echo; done"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(res.stdout, "42 s\n3m07s\n1h02m\n");
    });
});
