// Progress for the lab's long phases, the same as the shell scripts show (tools/lib/progress.sh): what runs, how long
// it took last time on this machine, and the elapsed time while it runs (one updating line on a terminal, a plain
// line every 15 s otherwise). The ticker is a separate process started and stopped by PID, so it keeps ticking while
// a phase blocks this process in spawnSync. Phase times go to the same build-times.tsv.
import { spawn, type ChildProcess } from "child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "fs";
import { homedir } from "os";
import { dirname, join } from "path";

const SCRIPT = join(__dirname, "progress.sh");

export function timesFile(): string {
    return join(process.env.OSK_CACHE ?? join(homedir(), ".cache", "osk"), "build-times.tsv");
}

/** Seconds the last finished run of `key` took on this machine, if one is recorded. */
export function lastTime(key: string, file = timesFile()): number | undefined {
    if (!existsSync(file)) return undefined;
    let last: number | undefined;
    for (const line of readFileSync(file, "utf8").split("\n")) {
        const [k, secs] = line.split("\t");
        if (k === key && secs !== undefined && secs !== "" && !Number.isNaN(Number(secs))) last = Number(secs);
    }
    return last;
}

/** 42 s, 3m07s, 1h02m: as the shell side prints them. */
export function formatSeconds(s: number): string {
    const n = Math.round(s);
    if (n < 60) return `${n} s`;
    if (n < 3600) return `${Math.floor(n / 60)}m${String(n % 60).padStart(2, "0")}s`;
    return `${Math.floor(n / 3600)}h${String(Math.floor((n % 3600) / 60)).padStart(2, "0")}m`;
}

export interface StepOptions {
    /** Prefix of the lines, e.g. `lab`. */
    tag: string;
    /** Tick while the step runs; off for a step that reports its own progress. @default true */
    ticker?: boolean;
}

function mode(): string {
    const m = process.env.OSK_PROGRESS;
    if (m === "tty" || m === "plain" || m === "off") return m;
    return process.stderr.isTTY ? "tty" : "plain";
}

function begin(label: string, key: string, opts: StepOptions): { t0: number; ticker?: ChildProcess } {
    const last = lastTime(key);
    if (mode() !== "off") process.stderr.write(`[${opts.tag}] ${label} (${last === undefined ? "first time on this machine" : `took ${formatSeconds(last)} last time on this machine`})\n`);
    const ticker = opts.ticker === false || mode() === "off"
        ? undefined
        : spawn("bash", [SCRIPT, "ticker", opts.tag, key, label, String(process.pid)], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, OSK_PROGRESS: mode() } });
    return { t0: Date.now(), ticker };
}

function end(label: string, key: string, opts: StepOptions, started: { t0: number; ticker?: ChildProcess }, ok: boolean): void {
    if (started.ticker?.pid !== undefined) {
        try {
            process.kill(started.ticker.pid, "SIGTERM");
        } catch {
            // already gone
        }
        // The ticker must not print after the step's last line: wait until it is dead (a zombie until the event loop
        // reaps it, which counts as dead here).
        const stat = `/proc/${started.ticker.pid}/stat`;
        for (let i = 0; i < 100 && existsSync(stat) && !/^\d+ \(.*\) Z/.test(readFileSync(stat, "utf8")); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    if (mode() === "tty") process.stderr.write("\r\x1b[K");
    const secs = (Date.now() - started.t0) / 1000;
    if (!ok) return;
    if (mode() !== "off") process.stderr.write(`[${opts.tag}] ${label}: done in ${formatSeconds(secs)}\n`);
    mkdirSync(dirname(timesFile()), { recursive: true });
    appendFileSync(timesFile(), `${key}\t${Math.round(secs)}\t${new Date().toISOString().replace(/\.\d+Z$/, "Z")}\n`);
}

/** Runs a synchronous step with progress; records its time when it succeeds. */
export function step<T>(label: string, key: string, fn: () => T, opts: StepOptions = { tag: "lab" }): T {
    const started = begin(label, key, opts);
    let ok = false;
    try {
        const out = fn();
        ok = true;
        return out;
    } finally {
        end(label, key, opts, started, ok);
    }
}

/** Runs an asynchronous step with progress; records its time when it succeeds. */
export async function stepAsync<T>(label: string, key: string, fn: () => Promise<T>, opts: StepOptions = { tag: "lab" }): Promise<T> {
    const started = begin(label, key, opts);
    let ok = false;
    try {
        const out = await fn();
        ok = true;
        return out;
    } finally {
        end(label, key, opts, started, ok);
    }
}
