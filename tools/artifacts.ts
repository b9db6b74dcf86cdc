// Prints what a site must mirror before its first `pulumi up`, from the committed stack file: every image (source
// and pulled reference), every chart with its exact version and source, and the host packages.
//   ./osk artifacts STACK [--json]
// Secrets do not change the list; the ones the stack's mode needs are throwaway placeholders here.
import { artifactTable, stackArtifacts } from "../stacks/artifacts";
import { model } from "../test/helpers/models";

function main(): void {
    const args = process.argv.slice(2);
    const json = args.includes("--json");
    const stack = args.find((a) => !a.startsWith("--"));
    if (!stack) throw new Error("usage: ./osk artifacts STACK [--json]");
    const artifacts = stackArtifacts(stack, model(stack));
    console.log(json ? JSON.stringify(artifacts, null, 2) : artifactTable(artifacts));
}

try {
    main();
} catch (e) {
    console.error((e as Error).message);
    process.exit(1);
}
