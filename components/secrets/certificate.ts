// A private CA and one serving certificate signed by it, generated once and kept in stack state (the key
// encrypted). For in-cluster webhooks the apiserver must trust before the cluster exists: the CA goes into the
// apiserver's webhook kubeconfig, the certificate and key into the webhook's Secret. Served by OSK's own provider
// plugin (components/provider), because the tls provider cannot be built here.
import type * as pulumi from "@pulumi/pulumi";
import { OskResource } from "../provider/resource";
import type { ResourceHandler } from "../provider/types";

export interface ServingCertificateArgs {
    /** Subject common name of the serving certificate. */
    commonName: pulumi.Input<string>;
    /** DNS subject alternative names. @default [] */
    dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
    /** IP subject alternative names. @default [] */
    ipAddresses?: pulumi.Input<pulumi.Input<string>[]>;
    /** Validity of both certificates in days. @default 3650 */
    validityDays?: number;
    /** Change this to issue a new CA, certificate and key. @default "" */
    rotation?: pulumi.Input<string>;
}

export interface CertificateRequest {
    commonName: string;
    dnsNames: string[];
    ipAddresses: string[];
    validityDays: number;
}

export interface IssuedCertificate {
    caPem: string;
    certPem: string;
    keyPem: string;
    notAfter: string;
}

/** Issues a CA and a serving certificate for the request; `now` is injectable so tests can check validity. */
export function issueCertificate(req: CertificateRequest, now: Date = new Date()): IssuedCertificate {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const forge = require("node-forge") as typeof import("node-forge");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof import("crypto");
    const rsa = () => {
        // Node's native generator: forge's own is pure JavaScript and takes seconds for 2048 bits.
        const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as import("node-forge").pki.rsa.PrivateKey;
        return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
    };
    const notAfter = new Date(now.getTime() + req.validityDays * 86_400_000);
    const serial = () => "01" + crypto.randomBytes(15).toString("hex");

    const caKeys = rsa();
    const ca = forge.pki.createCertificate();
    ca.publicKey = caKeys.publicKey;
    ca.serialNumber = serial();
    ca.validity.notBefore = new Date(now.getTime() - 60_000);
    ca.validity.notAfter = notAfter;
    const caSubject = [{ name: "commonName", value: `${req.commonName} CA` }];
    ca.setSubject(caSubject);
    ca.setIssuer(caSubject);
    ca.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    ca.sign(caKeys.privateKey, forge.md.sha256.create());

    const keys = rsa();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = ca.validity.notBefore;
    cert.validity.notAfter = notAfter;
    cert.setSubject([{ name: "commonName", value: req.commonName }]);
    cert.setIssuer(caSubject);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
            name: "subjectAltName",
            altNames: [...req.dnsNames.map((value) => ({ type: 2, value })), ...req.ipAddresses.map((ip) => ({ type: 7, ip }))],
        },
    ]);
    cert.sign(caKeys.privateKey, forge.md.sha256.create());

    return {
        caPem: forge.pki.certificateToPem(ca),
        certPem: forge.pki.certificateToPem(cert),
        keyPem: forge.pki.privateKeyToPem(keys.privateKey),
        notAfter: notAfter.toISOString(),
    };
}

interface Inputs extends CertificateRequest {
    rotation: string;
}

/** What the plugin does for `osk:secrets:ServingCertificate`: issued once, again only when the request changes. */
export const CertificateHandler: ResourceHandler<Inputs, Inputs & IssuedCertificate> = {
    token: "osk:secrets:ServingCertificate",
    diff(olds, news) {
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        const replaces = (["commonName", "dnsNames", "ipAddresses", "validityDays", "rotation"] as const).filter((k) => !same(olds[k], news[k]));
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("crypto") as typeof import("crypto");
        const issued = issueCertificate(inputs);
        return { id: crypto.randomBytes(8).toString("hex"), outs: { ...inputs, ...issued } };
    },
};

/** A CA and a serving certificate; `keyPem` is always a secret Output, the certificates are public. */
export class ServingCertificate extends OskResource {
    declare public readonly caPem: pulumi.Output<string>;
    declare public readonly certPem: pulumi.Output<string>;
    declare public readonly keyPem: pulumi.Output<string>;
    declare public readonly notAfter: pulumi.Output<string>;

    constructor(name: string, args: ServingCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "osk:secrets:ServingCertificate",
            name,
            {
                commonName: args.commonName,
                dnsNames: args.dnsNames ?? [],
                ipAddresses: args.ipAddresses ?? [],
                validityDays: args.validityDays ?? 3650,
                rotation: args.rotation ?? "",
                caPem: undefined,
                certPem: undefined,
                keyPem: undefined,
                notAfter: undefined,
            },
            opts,
            ["keyPem"],
        );
    }
}
