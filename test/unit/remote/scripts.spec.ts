// The shell OSK sends to hosts, executed here in a real bash: files arrive byte for byte, environment values
// survive any quoting, and secrets replace placeholders without touching anything else.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import fc from "fast-check";
import { renderEnvironment } from "../../../components/remote/command";
import { writeFileScript } from "../../../components/remote/files";

const bash = (script: string) => execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });

describe("remote shell building blocks", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "osk-sh-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("writes files byte for byte, with the requested mode, including $, backslashes and quotes", () => {
        const content = "a: $HOME `x` \\n 'q' \"d\"\n${VAR}\n";
        bash(writeFileScript(join(dir, "sub", "f.yaml"), content, "0600"));
        assert.equal(readFileSync(join(dir, "sub", "f.yaml"), "utf8"), content);
        assert.equal(statSync(join(dir, "sub", "f.yaml")).mode & 0o777, 0o600);
    });

    it("refuses content that would end the heredoc early", () => {
        assert.throws(() => writeFileScript("/x", "a\nOSK_EOF\nb"), /heredoc delimiter/);
    });

    it("exports any environment value unchanged", () => {
        fc.assert(
            fc.property(fc.string({ unit: "grapheme-ascii" }).filter((s) => !s.includes("\u0000")), (value) => {
                const out = bash(`${renderEnvironment({ OSK_V: value })}\nprintf '%s' "$OSK_V"`);
                return out === value;
            }),
            { numRuns: 60 },
        );
        assert.throws(() => renderEnvironment({ "BAD-NAME": "x" }), /invalid environment variable name/);
    });
});
