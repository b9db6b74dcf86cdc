// The repository's bin/ first on PATH, as the engine's environment (tools/toolchain.sh) has it: autoscaled
// releases name the Helm post-renderer there, and the component checks that it is found.
import { delimiter, join } from "path";

const bin = join(__dirname, "..", "..", "bin");
if (!(process.env.PATH ?? "").split(delimiter).includes(bin)) process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ""}`;
