// Entry point of the `osk` provider plugin (tools/osk-provider builds it; the engine starts it through the
// launcher tools/toolchain.sh installs as `resource osk v<package version>`).
import { main } from "@pulumi/pulumi/provider";
import { oskProvider } from "./plugin";

main(oskProvider(), process.argv.slice(2)).catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
});
