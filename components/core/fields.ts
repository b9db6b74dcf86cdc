// Field types every component's argument schema is built from: names, versions, addresses, networks, labels.
// One definition each, so a DNS label or a CIDR means the same thing in every module and every error message.
import { z } from "zod";
import { isIpAddress, parseNetwork } from "../net/cidr";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
export const K8S_VERSION = /^v?1\.\d+\.\d+$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const IFACE = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,14}$/;

export const dnsLabel = z.string().regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-', 1-63 characters");
export const dnsName = z.string().regex(DNS_NAME, "must be a DNS name such as cloud.example.net (lower case)");
export const exactVersion = z
    .string()
    .regex(EXACT_VERSION, "must be an exact version such as 2025.1.3+abc1234 or 1.2.0; ranges (^, ~, x, *, >=) are not allowed");
export const ipAddress = z.string().refine(isIpAddress, "must be an IPv4 or IPv6 address");
export const hostAddress = z
    .string()
    .refine((s) => isIpAddress(s) || DNS_NAME.test(s), "must be an IP address or a DNS name");
export const cidr = z.string().superRefine((s, ctx) => {
    try {
        parseNetwork(s);
    } catch (e) {
        ctx.addIssue({ code: "custom", message: `must be a network in CIDR notation: ${(e as Error).message}` });
    }
});
export const port = z.number().int().min(1, "must be a port number 1-65535").max(65535, "must be a port number 1-65535");
export const interfaceName = z.string().regex(IFACE, "must be a network interface name such as eth1 or bond0.100");
export const httpUrl = z
    .string()
    .refine((s) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(s), "must be an http:// or https:// URL");

/** A Kubernetes label key: optional DNS-subdomain prefix, then a name of at most 63 characters. */
export const labelKey = z.string().superRefine((key, ctx) => {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && !DNS_NAME.test(prefix)) || !LABEL_NAME.test(name)) {
        ctx.addIssue({
            code: "custom",
            message: "must be a label key: [dns-prefix/]name, name 1-63 of letters, digits, '-', '_', '.'",
        });
    }
});
export const labelValue = z.string().regex(LABEL_VALUE, "must be a label value: at most 63 letters, digits, '-', '_', '.'");

/** An exact Kubernetes version such as 1.33.4 (a leading v is accepted). */
export const kubernetesVersion = z.string().regex(K8S_VERSION, "must be an exact Kubernetes version such as 1.33.4");
/** A Unix login name. */
export const unixUser = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name");
/** A Kubernetes resource quantity such as 500m or 1Gi. */
export const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a Kubernetes quantity such as 500m or 1Gi");
