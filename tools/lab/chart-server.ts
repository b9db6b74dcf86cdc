// The lab's Helm chart repository: serves a directory of packaged charts and its index.yaml on loopback only.
//   node -r ts-node/register/transpile-only tools/lab/chart-server.ts <dir> <port>
import { createReadStream, existsSync, statSync } from "fs";
import { createServer } from "http";
import { join, normalize } from "path";

const [dir, portText] = process.argv.slice(2);
const port = Number(portText ?? 18080);
if (!dir || !existsSync(join(dir, "index.yaml"))) {
    console.error(`usage: chart-server <dir with index.yaml> <port>; ${dir ?? "(none)"} has no index.yaml`);
    process.exit(2);
}

createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0])).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path === "/" ? "index.yaml" : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
    }
    res.writeHead(200, { "Content-Type": file.endsWith(".yaml") ? "application/x-yaml" : "application/gzip", "Content-Length": statSync(file).size });
    createReadStream(file).pipe(res);
}).listen(port, "127.0.0.1", () => console.log(`chart repository on http://127.0.0.1:${port} serving ${dir}`));
