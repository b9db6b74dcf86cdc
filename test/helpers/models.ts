// Typed models from the committed stacks, for tests of the pure builders.
import { validateConfig } from "../../stacks/config/validate";
import type { Model } from "../../stacks/config/model";
import type { KubeadmConfig } from "../../stacks/config/schema";
import { formatProblems } from "../../stacks/config/validate";
import { rawConfig } from "./stacks";

export function model(stack: string, edit?: (v: Record<string, any>) => void): Model {
    const result = validateConfig(rawConfig(stack, edit));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    return result.model;
}

/** The prod control plane with `n` masters (10.30.0.11 upwards); even counts are allowed here by using dev's profile. */
export function withMasters(n: number): { cp: KubeadmConfig; m: Model } {
    const m = model("prod", (v) => {
        v.site.profile = n % 2 === 1 && n >= 3 ? "prod" : "dev";
        v.controlPlane.masters = Array.from({ length: n }, (_, i) => ({ name: `master-${i + 1}`, address: `10.30.0.${11 + i}` }));
    });
    if (m.controlPlane.mode !== "kubeadm") throw new Error("prod is a kubeadm stack");
    return { cp: m.controlPlane, m };
}
