import { strict as assert } from "assert";
import { createPrivateKey, X509Certificate } from "crypto";
import { issueCertificate } from "../../../components/secrets/certificate";

describe("serving certificate for in-cluster webhooks", () => {
    const issued = issueCertificate({ commonName: "k8s-keystone-auth", dnsNames: ["k8s-keystone-auth.kube-system.svc"], ipAddresses: ["10.96.0.12"], validityDays: 30 }, new Date("2026-01-01T00:00:00Z"));
    const ca = new X509Certificate(issued.caPem);
    const cert = new X509Certificate(issued.certPem);

    it("is signed by its own CA, which is a CA", () => {
        assert.ok(cert.checkIssued(ca));
        assert.ok(cert.verify(ca.publicKey));
        assert.ok(ca.ca);
        assert.ok(!cert.ca);
    });

    it("names the service's DNS name and fixed IP, so the apiserver can verify it", () => {
        assert.match(cert.subjectAltName ?? "", /DNS:k8s-keystone-auth\.kube-system\.svc/);
        assert.match(cert.subjectAltName ?? "", /IP Address:10\.96\.0\.12/);
        assert.equal(cert.checkHost("k8s-keystone-auth.kube-system.svc"), "k8s-keystone-auth.kube-system.svc");
        assert.equal(cert.checkIP("10.96.0.12"), "10.96.0.12");
        assert.equal(cert.checkHost("evil.example"), undefined);
    });

    it("holds the key that matches the certificate, valid for the requested days", () => {
        const key = createPrivateKey(issued.keyPem);
        assert.ok(cert.checkPrivateKey(key));
        assert.equal(new Date(cert.validTo).toISOString().slice(0, 10), "2026-01-31");
        assert.equal(issued.notAfter, "2026-01-31T00:00:00.000Z");
    });

    it("issues a different key each time", () => {
        const again = issueCertificate({ commonName: "x", dnsNames: [], ipAddresses: [], validityDays: 1 });
        assert.notEqual(again.keyPem, issued.keyPem);
    });
});
