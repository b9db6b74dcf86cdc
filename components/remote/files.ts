/** Shell that writes a file verbatim (quoted heredoc keeps `$` and backslashes literal), atomically via rename. */
export function writeFileScript(path: string, content: string, mode = "0644"): string {
    if (content.split("\n").includes("OSK_EOF")) throw new Error(`content for ${path} contains the heredoc delimiter`);
    return [`install -d -m 0755 "$(dirname ${path})"`, `cat > ${path}.tmp <<'OSK_EOF'`, content.replace(/\n$/, ""), "OSK_EOF", `chmod ${mode} ${path}.tmp`, `mv ${path}.tmp ${path}`].join("\n");
}
