// `./osk run` / `./osk preview STACK`: a real, offline preview of a committed stack. Secrets the stack needs
// are generated for the run and thrown away; the preview never reaches a cluster or a cloud.
import { createWorkspace, policyArgs, previewSecrets, pulumiRun } from "./workspace";

async function main(): Promise<void> {
    const stack = process.argv[2] ?? "dev";
    const secrets = previewSecrets(stack);
    console.error(`previewing stack "${stack}" with the offline engine (local file backend, throwaway secrets: ${Object.keys(secrets).join(", ") || "none"})`);
    const ws = createWorkspace(stack, secrets);
    try {
        // The policy pack runs with every preview: advisory on dev and lab, mandatory on prod (policy/config).
        const out = await pulumiRun(ws, ["preview", "--non-interactive", "--diff", "--stack", stack, ...policyArgs(ws)]);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        console.error(`\npreview of "${stack}": exit ${out.code}, ${(out.ms / 1000).toFixed(1)} s, peak memory ${(out.peakRssKb / 1024).toFixed(0)} MiB`);
        process.exitCode = out.code;
    } finally {
        ws.dispose();
    }
}

main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
});
