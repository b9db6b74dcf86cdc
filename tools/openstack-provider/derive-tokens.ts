// Derives tokens.json, the provider's exception table, from the installed @pulumi/openstack package and the
// Terraform provider's resource names, and prints the drift between them. Run after changing either pin:
//   node -r ts-node/register/transpile-only tools/openstack-provider/derive-tokens.ts [--check]
// With --check it writes nothing and fails when the committed table differs from the derived one.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { goModuleDir } from "../../stacks/gomodule";
import { deriveExceptions, servedTokens, readTokenTable, ROOT, sdkTokens, terraformNames, TOKENS_FILE, type TokenTable } from "./token-rule";

/** The Terraform provider's module version package.json maps the SDK pin to. */
export function terraformProviderVersion(): { sdk: string; terraformProvider: string; bridge: string } {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; osk: { toolchain: { openstackProvider: Record<string, { terraformProvider: string; bridge: string }> } } };
    const sdk = pkg.dependencies["@pulumi/openstack"];
    const entry = pkg.osk.toolchain.openstackProvider[sdk];
    if (!entry) throw new Error(`package.json pins @pulumi/openstack ${sdk} but osk.toolchain.openstackProvider has no entry for it`);
    return { sdk, ...entry };
}

export const TERRAFORM_MODULE = "github.com/terraform-provider-openstack/terraform-provider-openstack/v3";

/** provider.go of the pinned Terraform provider, from the Go module cache (downloaded if missing). */
export function terraformProviderGo(): string {
    const { terraformProvider } = terraformProviderVersion();
    return readFileSync(join(goModuleDir(`${TERRAFORM_MODULE}@${terraformProvider}`), "openstack", "provider.go"), "utf8");
}

function main(): void {
    const table = readTokenTable();
    const sdk = sdkTokens();
    const tf = terraformNames(terraformProviderGo());
    const keep = (names: string[]) => names.filter((n) => !(n in table.ignored));
    const res = deriveExceptions("resource", keep(tf.resources), sdk.resources, table.modules);
    const fns = deriveExceptions("function", keep(tf.dataSources), sdk.functions, table.modules);
    const derived: TokenTable = { ...table, resources: res.exceptions, functions: fns.exceptions };
    servedTokens("resource", tf.resources, derived);
    servedTokens("function", tf.dataSources, derived);
    console.log(`@pulumi/openstack ${sdk.version}: ${sdk.resources.length} resources, ${sdk.functions.length} functions; Terraform: ${tf.resources.length} resources, ${tf.dataSources.length} data sources`);
    console.log(`exceptions: ${Object.keys(res.exceptions).length} resources, ${Object.keys(fns.exceptions).length} functions`);
    console.log(`SDK resources no Terraform resource serves: ${res.unserved.join(" ") || "none"}`);
    console.log(`SDK functions no Terraform data source serves: ${fns.unserved.join(" ") || "none"}`);
    console.log(`Terraform resources the SDK does not know: ${res.fresh.join(" ") || "none"}`);
    console.log(`Terraform data sources the SDK does not know: ${fns.fresh.join(" ") || "none"}`);
    const text = JSON.stringify(derived, null, 2) + "\n";
    if (process.argv.includes("--check")) {
        if (readFileSync(TOKENS_FILE, "utf8") !== text) {
            console.error(`${TOKENS_FILE} differs from the table derived from the SDK: run without --check and commit the result`);
            process.exit(1);
        }
        return;
    }
    writeFileSync(TOKENS_FILE, text);
}

if (require.main === module) main();
