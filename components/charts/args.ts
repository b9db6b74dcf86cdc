// Where charts come from and which exact version of each: the schema the stack configuration embeds as
// `osk:charts`, and that any layer deploying charts takes.
import { z } from "zod";
import { exactVersion, httpUrl } from "../core/fields";
import { KNOWN_CHARTS } from "./catalog";

const chartSource = z.union([
    z.strictObject({ repository: httpUrl }),
    z.strictObject({ directory: z.string().min(1, "must be a directory path") }),
], { error: "must be { repository: <http(s) URL> } or { directory: <path> }" });
const chartName = z.string().refine((name) => KNOWN_CHARTS.includes(name), {
    error: (i) => `unknown chart "${String(i.input)}"; allowed: ${KNOWN_CHARTS.join(", ")}`,
});

export const chartsSchema = z.strictObject({
    /** Where charts come from: a Helm repository URL or a local directory of chart folders/tarballs. */
    source: chartSource,
    /** Per-chart source, for charts published elsewhere (e.g. Rook's). @default {} */
    sourceOverrides: z.record(chartName, chartSource).default({}),
    /** Exact version per chart name. */
    versions: z.record(chartName, exactVersion),
});

/** Chart sources and pins, defaults applied. */
export type ChartsConfig = z.infer<typeof chartsSchema>;
