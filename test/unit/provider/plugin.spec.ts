// The `osk` provider plugin's shared behaviour, called the way the SDK's provider server calls it (values with secrets
// still wrapped, URNs, the state a former dynamic resource left), and each type's diff rules.
import { strict as assert } from "assert";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { HANDLERS, LEGACY_PROVIDER_KEY, conceal, oskProvider, reveal, typeOfUrn } from "../../../components/plugin/plugin";
import { dynamicToken } from "../../../components/provider/resource";
import { RESOURCE_SPECS, packageSchema, secretProperties } from "../../../components/provider/schema";
import { diffState, rerunKeys, type State } from "../../../components/remote/command";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
const urn = (token: string, name = "x") => `urn:pulumi:lab::osk::osk:platform:Platform$osk:platform:Credentials$${token}::${name}`;
const plugin = oskProvider();

describe("the osk provider plugin", () => {
    it("finds the type in a URN, under any parents, and refuses a type it does not serve", async () => {
        assert.equal(typeOfUrn(urn("osk:secrets:Generated")), "osk:secrets:Generated");
        assert.equal(typeOfUrn("urn:pulumi:dev::osk::osk:k8s:ReadinessGate::gate"), "osk:k8s:ReadinessGate");
        await assert.rejects(plugin.create!(urn("osk:secrets:Nope"), {}), /no resource type osk:secrets:Nope; it serves: osk:remote:Command, /);
    });

    it("checks the inputs before anything runs: a missing required one is named, with the type's inputs", async () => {
        const ok = await plugin.check!(urn("osk:secrets:Generated"), {}, { format: "hex", length: 8, rotation: "" });
        assert.deepEqual(ok.failures, []);
        const bad = await plugin.check!(urn("osk:remote:Command"), {}, { connection: { host: "h", user: "u" }, privateKey: secret("k") });
        assert.deepEqual(bad.failures!.map((f) => f.property), ["create"]);
        assert.match(bad.failures![0].reason, /osk:remote:Command needs "create"; its inputs are: connection, alternateHosts, privateKey, files, create/);
    });

    it("keeps a generated value secret in the state it returns", async () => {
        const r = await plugin.create!(urn("osk:secrets:Generated"), { format: "hex", length: 24, rotation: "" });
        assert.ok(isSecret(r.outs.value));
        assert.match((r.outs.value as { value: string }).value, /^[0-9a-f]{24}$/);
        assert.equal(r.outs.format, "hex", "inputs stay plain");
    });

    it("keeps secret what came in secret, and reveals it to the handler", () => {
        const { values, secretKeys } = reveal({ kubeconfig: secret("kc"), targets: [{ name: secret("n") }], timeoutSeconds: 5 });
        assert.deepEqual(values, { kubeconfig: "kc", targets: [{ name: "n" }], timeoutSeconds: 5 });
        assert.deepEqual(secretKeys, ["kubeconfig", "targets"]);
        const out = conceal({ ...values, stdout: undefined }, secretKeys);
        assert.ok(isSecret(out.kubeconfig) && isSecret(out.targets));
        assert.equal(out.timeoutSeconds, 5);
        assert.ok(!("stdout" in out), "undefined has no wire form");
    });

    it("updates a remote step in place without running it: the captured stdout stays, secret when captured secret", async () => {
        const olds = { connection: { host: "h", user: "u" }, privateKey: secret("k1"), create: "true", captureStdout: "secret", stdout: secret("token") };
        const news = { ...olds, privateKey: secret("k2"), stdout: undefined };
        const r = await plugin.update!("id", urn("osk:remote:Command"), olds, news);
        assert.deepEqual(r.outs!.stdout, secret("token"));
        assert.deepEqual(r.outs!.privateKey, secret("k2"));
    });

    describe("moving a stack off the former dynamic providers", () => {
        const code = "exports.handler = function () { /* a serialized provider */ }";
        const oldState = { format: "password", length: 32, rotation: "", value: secret("s3cr3t-value"), [LEGACY_PROVIDER_KEY]: code };
        const news = { format: "password", length: 32, rotation: "" };

        it("maps each type to the dynamic type it replaces, so an alias finds the old resource", () => {
            assert.equal(dynamicToken("osk:remote:Command"), "pulumi-nodejs:dynamic/remote:Command");
            assert.equal(dynamicToken("osk:secrets:Generated"), "pulumi-nodejs:dynamic/secrets:Generated");
            assert.throws(() => dynamicToken("kubernetes:core/v1:Secret"), /not an osk resource token/);
        });

        it("diffs a former dynamic resource as an in-place update, never a replacement", async () => {
            assert.deepEqual(await plugin.diff!("id", urn("osk:secrets:Generated"), oldState, news), { changes: true, replaces: [] });
            const migrated = { ...oldState };
            delete (migrated as Record<string, unknown>)[LEGACY_PROVIDER_KEY];
            assert.deepEqual(await plugin.diff!("id", urn("osk:secrets:Generated"), migrated, news), { changes: false, replaces: [] });
        });

        it("updates it by dropping the serialized code and keeping the value, still secret", async () => {
            const r = await plugin.update!("id", urn("osk:secrets:Generated"), oldState, news);
            assert.deepEqual(r.outs, { format: "password", length: 32, rotation: "", value: secret("s3cr3t-value") });
        });

        it("refreshes it into the plugin's state: no code, inputs without the outputs", async () => {
            const r = await plugin.read!("id", urn("osk:secrets:Generated"), oldState);
            assert.deepEqual(r.props, { format: "password", length: 32, rotation: "", value: secret("s3cr3t-value") });
            assert.deepEqual(r.inputs, news);
        });
    });
});

describe("OSK's diff rules, as the plugin applies them", () => {
    const step: State = { connection: { host: "10.0.0.1", user: "root" }, privateKey: "k", create: "kubeadm init", files: { "/etc/a": "1" }, environment: { A: "1" } };
    const diff = (token: string, olds: object, news: object) => plugin.diff!("id", urn(token), olds, news);

    it("remote step: a new script, file, environment or trigger re-runs it in place; connection, alternates, key or delete script update without a run", () => {
        for (const [k, v] of [["create", "kubeadm init --x"], ["files", { "/etc/a": "2" }], ["environment", { A: "2" }], ["secretEnvironment", { T: "1" }], ["triggers", [1]]] as const) {
            const d = diffState(step, { ...step, [k]: v });
            // Never a replacement: the old step's delete (a kubeadm reset) would run after the re-run.
            assert.ok(d.changes && d.replaces!.length === 0, k);
            assert.deepEqual(rerunKeys(step, { ...step, [k]: v }), [k], k);
        }
        for (const [k, v] of [["connection", { host: "10.0.0.2", user: "root" }], ["alternateHosts", ["10.0.0.3"]], ["privateKey", "k2"], ["delete", "kubeadm reset"]] as const) {
            const d = diffState(step, { ...step, [k]: v });
            assert.ok(d.changes && d.replaces!.length === 0, k);
            assert.deepEqual(rerunKeys(step, { ...step, [k]: v }), [], k);
        }
        assert.equal(diffState(step, { ...step }).changes, false);
    });

    it("remote step: a secret that only changes its wrapping is no change", async () => {
        const d = await diff("osk:remote:Command", { ...step, privateKey: secret("k") }, { ...step, privateKey: "k" });
        assert.equal(d.changes, false);
    });

    it("generated secret: a new format, length or rotation replaces it; nothing else touches it", async () => {
        const g = { format: "password", length: 32, rotation: "" };
        assert.deepEqual(await diff("osk:secrets:Generated", { ...g, value: secret("v") }, g), { changes: false, replaces: [] });
        assert.deepEqual((await diff("osk:secrets:Generated", g, { ...g, rotation: "2026-12" })).replaces, ["rotation"]);
        assert.deepEqual((await diff("osk:secrets:Generated", g, { ...g, length: 40 })).replaces, ["length"]);
    });

    it("serving certificate: a new name, address, validity or rotation reissues it", async () => {
        const c = { commonName: "a", dnsNames: ["a.svc"], ipAddresses: [], validityDays: 3650, rotation: "" };
        assert.equal((await diff("osk:secrets:ServingCertificate", { ...c, keyPem: secret("k") }, c)).changes, false);
        assert.deepEqual((await diff("osk:secrets:ServingCertificate", c, { ...c, dnsNames: ["b.svc"] })).replaces, ["dnsNames"]);
        assert.deepEqual((await diff("osk:secrets:ServingCertificate", c, { ...c, ipAddresses: ["10.96.0.9"] })).replaces, ["ipAddresses"]);
    });

    it("readiness gate: new targets mean a new gate; a new kubeconfig is no change", async () => {
        const g = { kubeconfig: secret("a"), targets: [{ kind: "StatefulSet", namespace: "openstack", name: "mariadb-server" }], timeoutSeconds: 1800 };
        assert.deepEqual(await diff("osk:k8s:ReadinessGate", g, { ...g, kubeconfig: secret("b") }), { changes: false, replaces: [] });
        assert.deepEqual((await diff("osk:k8s:ReadinessGate", g, { ...g, targets: [] })).replaces, ["targets"]);
    });

    it("drain: any change is recorded in place, never a replacement (it only acts on delete)", async () => {
        const d = { kubeconfig: "a", allowVolumeDeletion: false, timeoutSeconds: 900 };
        const r = await diff("osk:k8s:ClusterDrain", d, { ...d, allowVolumeDeletion: true });
        assert.equal(r.changes, true);
        assert.deepEqual(r.replaces ?? [], []);
        assert.equal((await diff("osk:k8s:ClusterDrain", d, d)).changes, false);
    });
});

describe("the osk package schema", () => {
    const schema = JSON.parse(packageSchema()) as { name: string; resources: Record<string, { properties: Record<string, { secret?: boolean }>; inputProperties: Record<string, unknown> }>; types: Record<string, unknown> };

    it("describes exactly the types the plugin serves", () => {
        assert.equal(schema.name, "osk");
        assert.deepEqual(Object.keys(schema.resources).sort(), HANDLERS.map((h) => h.token).sort());
        for (const r of Object.values(schema.resources)) {
            for (const p of Object.values(r.properties) as { $ref?: string }[]) {
                if (p.$ref?.startsWith("#/types/")) assert.ok(schema.types[p.$ref.slice("#/types/".length)], p.$ref);
            }
        }
    });

    it("marks secret the values OSK keeps encrypted: keys, tokens, kubeconfigs, generated values", () => {
        assert.deepEqual(secretProperties("osk:remote:Command").sort(), ["privateKey", "secretEnvironment"]);
        assert.deepEqual(secretProperties("osk:secrets:Generated"), ["value"]);
        assert.deepEqual(secretProperties("osk:secrets:ServingCertificate"), ["keyPem"]);
        assert.deepEqual(secretProperties("osk:k8s:ReadinessGate"), ["kubeconfig"]);
        assert.deepEqual(secretProperties("osk:k8s:ClusterDrain"), ["kubeconfig"]);
        for (const token of Object.keys(RESOURCE_SPECS)) for (const k of secretProperties(token)) assert.equal(schema.resources[token].properties[k].secret, true);
    });
});
