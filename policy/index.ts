// The OSK policy pack. Enforcement is per stack: policy/config/<stack>.json (prod mandatory, dev and lab advisory).
import { PolicyPack, Secret } from "@pulumi/policy";
import { policies } from "./policies";

// The policy SDK hands policies unwrapped inputs behind proxies (unknown checks, secret unwrapping); the wrapped
// form, with secrets as `Secret` and unknowns as sentinels, sits behind this key.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
const UNKNOWN = new Set(Object.entries(proxy).filter(([k]) => /^unknown[A-Za-z]+Value$/.test(k)).map(([, v]) => v));

function unwrap(props: Record<string, unknown>): unknown {
    let target: unknown = props;
    for (let next = target; next; next = (target as Record<string, unknown>)[proxy.getSpecialProxyTarget]) {
        if (next === target && target !== props) break;
        target = next;
    }
    return target;
}

new PolicyPack("osk", {
    enforcementLevel: "mandatory",
    policies: policies({ unwrap, secretValue: (v) => (v instanceof Secret ? v.value : undefined), isUnknown: (v) => typeof v === "string" && UNKNOWN.has(v) }),
});
