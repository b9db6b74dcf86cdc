// The move of a stack's tenant identity from the former Keystone resources onto the OpenStack provider, as state
// work: URNs retyped, ids in the provider's form, secrets carried, references rewritten, order kept valid.
import { strict as assert } from "assert";
import { childUrn, formerCredentials, identityProviders, moveKeystoneResources, orderResources, providerAuth, providerEntries, retypeUrn, type Deployment, type StateResource } from "../../../tools/engine/upgrade";

const STACK = "urn:pulumi:lab::osk::";
const IDENTITY = `${STACK}osk:tenant:Cluster$osk:tenant:Identity::tenant`;
const old = (type: string, name: string, outputs: Record<string, unknown>, dependencies: string[] = []): StateResource => ({
    urn: `${STACK}osk:tenant:Cluster$osk:tenant:Identity$pulumi-nodejs:dynamic/keystone:${type}::${name}`,
    type: `pulumi-nodejs:dynamic/keystone:${type}`,
    custom: true,
    id: String(outputs.objectId),
    parent: IDENTITY,
    provider: `${STACK}pulumi:providers:pulumi-nodejs::default::d1`,
    inputs: {},
    outputs: { ...outputs, __provider: "exports.handler = ...", password: { plaintext: '"admin-pw"' } },
    dependencies,
});
const secret = (v: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });

function lab(): Deployment {
    const identity: StateResource = { urn: IDENTITY, type: "osk:tenant:Identity", parent: `${STACK}osk:tenant:Cluster::tenant` };
    const project = old("Project", "tenant-project", { objectId: "p1", spec: { name: "lab-apps", description: "tenant cluster lab-apps (OSK)" } });
    const user = old("User", "tenant-user", { objectId: "u1", spec: { name: "lab-apps-cloud-provider", password: secret("user-pw"), defaultProjectId: "p1" } }, [project.urn]);
    const role = old("RoleAssignment", "tenant-role-member", { objectId: "p1/u1/r1", spec: {} }, [project.urn, user.urn]);
    const cred = old("ApplicationCredential", "tenant-application-credential", { objectId: "c1", secret: secret("cred-secret"), spec: { name: "lab-apps-cloud-integrations", roles: ["member"] } }, [role.urn]);
    const consumer: StateResource = { urn: `${STACK}kubernetes:core/v1:Secret::tenant-addons-cloud-config`, type: "kubernetes:core/v1:Secret", dependencies: [cred.urn], propertyDependencies: { stringData: [cred.urn] } };
    // Where the targeted up of step 1 puts the two providers: after everything that was there.
    const provider = (name: string, id: string): StateResource => ({ urn: childUrn(IDENTITY, "pulumi:providers:openstack", name), type: "pulumi:providers:openstack", custom: true, id, parent: IDENTITY });
    return { resources: [identity, project, user, role, cred, consumer, provider("tenant-keystone-admin", "a1"), provider("tenant-keystone-service-user", "s1")] };
}

describe("moving the tenant identity onto the OpenStack provider (state)", () => {
    it("retypes the last type of a URN's chain and names children under a parent", () => {
        assert.equal(retypeUrn(`${STACK}a:b:C$pulumi-nodejs:dynamic/keystone:Project::x`, "openstack:identity/project:Project"), `${STACK}a:b:C$openstack:identity/project:Project::x`);
        assert.equal(childUrn(IDENTITY, "pulumi:providers:openstack", "tenant-keystone-admin"), `${STACK}osk:tenant:Cluster$osk:tenant:Identity$pulumi:providers:openstack::tenant-keystone-admin`);
    });

    it("finds the two providers each identity needs", () => {
        assert.deepEqual(identityProviders(lab()), [{ identity: IDENTITY, admin: childUrn(IDENTITY, "pulumi:providers:openstack", "tenant-keystone-admin"), serviceUser: childUrn(IDENTITY, "pulumi:providers:openstack", "tenant-keystone-service-user") }]);
        assert.deepEqual(identityProviders({ resources: [] }), []);
    });

    it("moves each object to its new type and provider, keeping its Keystone id, the user's password and the credential's secret", () => {
        const { deployment, moved } = moveKeystoneResources(lab());
        const by = (t: string) => deployment.resources!.find((r) => r.type === `openstack:identity/${t}`)!;
        assert.equal(moved.length, 4);
        assert.equal(by("project:Project").id, "p1");
        assert.equal(by("project:Project").outputs!.name, "lab-apps");
        assert.deepEqual(by("user:User").outputs!.password, secret("user-pw"));
        assert.equal(by("roleAssignment:RoleAssignment").id, "/p1//u1/r1", "the provider's id: domain/project/group/user/role");
        assert.deepEqual(by("applicationCredential:ApplicationCredential").outputs!.secret, secret("cred-secret"));
        assert.match(by("applicationCredential:ApplicationCredential").provider!, /::tenant-keystone-service-user::s1$/);
        for (const t of ["project:Project", "user:User", "roleAssignment:RoleAssignment"]) assert.match(by(t).provider!, /::tenant-keystone-admin::a1$/);
        const text = JSON.stringify(deployment);
        assert.doesNotMatch(text, /pulumi-nodejs:dynamic\/keystone|__provider|admin-pw/, "no former URN, stored code or admin password is left");
    });

    it("rewrites every reference to a moved URN and orders providers before the resources they serve", () => {
        const { deployment } = moveKeystoneResources(lab());
        const rs = deployment.resources!;
        const consumer = rs.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        const cred = rs.find((r) => r.type.endsWith(":ApplicationCredential"))!;
        assert.deepEqual(consumer.dependencies, [cred.urn]);
        assert.deepEqual(consumer.propertyDependencies, { stringData: [cred.urn] });
        const at = (urn: string) => rs.findIndex((r) => r.urn === urn);
        for (const r of rs) {
            const needs = [r.parent, r.provider?.split("::").slice(0, -1).join("::"), ...(r.dependencies ?? [])].filter((u): u is string => !!u && at(u) >= 0);
            for (const u of needs) assert.ok(at(u) < at(r.urn), `${u} comes before ${r.urn}`);
        }
    });

    it("keeps an already valid order as it is", () => {
        const rs: StateResource[] = [{ urn: "a", type: "t" }, { urn: "b", type: "t", dependencies: ["a"] }, { urn: "c", type: "t" }];
        assert.deepEqual(orderResources(rs).map((r) => r.urn), ["a", "b", "c"]);
    });

    it("refuses a stack with pending operations, and one whose provider entries are not in it", () => {
        assert.throws(() => moveKeystoneResources({ ...lab(), pending_operations: [{}] }), /pending operations .* recover it first/);
        assert.throws(() => moveKeystoneResources({ resources: lab().resources!.slice(0, 6) }), /tenant-keystone-admin is not in the state: add its entry first/);
    });

    describe("the provider entries, from the preview of the release that moves the identity", () => {
        const admin = childUrn(IDENTITY, "pulumi:providers:openstack", "tenant-keystone-admin");
        const planned = (password: string) => ({
            steps: [
                { op: "same", urn: `${STACK}kubernetes:core/v1:Secret::tenant-addons-cloud-config` },
                {
                    op: "create",
                    urn: admin,
                    newState: {
                        urn: admin,
                        type: "pulumi:providers:openstack",
                        custom: true,
                        inputs: { __internal: {}, authUrl: "http://127.0.0.1:15000/v3", userName: "admin", password, tenantName: "admin", version: "3.15.2" },
                        parent: IDENTITY,
                        dependencies: [`${STACK}osk:secrets:Generated::credentials-keystone-admin`],
                        propertyDependencies: { password: [`${STACK}osk:secrets:Generated::credentials-keystone-admin`] },
                        additionalSecretOutputs: ["password"],
                    },
                },
            ],
        });

        it("records what a create would: planned inputs with the password a secret, outputs without the engine's __internal, a new id", () => {
            const [entry] = providerEntries(planned("admin-pw"), [admin], new Map(), () => "a1");
            assert.equal(entry.urn, admin);
            assert.equal(entry.id, "a1");
            assert.equal(entry.custom, true);
            assert.equal(entry.parent, IDENTITY);
            assert.deepEqual(entry.inputs?.password, secret("admin-pw"));
            assert.deepEqual(entry.inputs?.__internal, {});
            assert.deepEqual(entry.outputs, { authUrl: "http://127.0.0.1:15000/v3", userName: "admin", password: secret("admin-pw"), tenantName: "admin", version: "3.15.2" });
            assert.deepEqual(entry.propertyDependencies, { password: [`${STACK}osk:secrets:Generated::credentials-keystone-admin`] });
            assert.deepEqual(entry.additionalSecretOutputs, ["password"]);
            // With the rest of the state, the move then finds it and orders it before what it serves.
            const d = lab();
            const { deployment } = moveKeystoneResources({ resources: [...d.resources!.slice(0, 6), entry, d.resources![7]] });
            const project = deployment.resources!.find((r) => r.type === "openstack:identity/project:Project")!;
            assert.equal(project.provider, `${admin}::a1`);
            assert.ok(deployment.resources!.indexOf(entry) < deployment.resources!.indexOf(project));
        });

        it("takes a password the preview masks as [secret] from the former Keystone resources: the admin's connection, the user's own", () => {
            const d = lab();
            const project = d.resources!.find((r) => r.type.endsWith("keystone:Project"))!;
            project.inputs = { authUrl: "http://127.0.0.1:15000/v3", username: "admin", password: secret("admin-pw") };
            const known = formerCredentials(d);
            const serviceUser = childUrn(IDENTITY, "pulumi:providers:openstack", "tenant-keystone-service-user");
            assert.deepEqual(known.get(admin), { password: "admin-pw" });
            assert.deepEqual(known.get(serviceUser), { password: "user-pw" });
            const [entry] = providerEntries(planned("[secret]"), [admin], known);
            assert.deepEqual(entry.inputs?.password, secret("admin-pw"));
            assert.deepEqual(providerAuth(entry), { authUrl: "http://127.0.0.1:15000/v3", username: "admin", password: "admin-pw", projectName: "admin", userDomain: "Default", projectDomain: "Default" });
            assert.throws(() => providerEntries(planned("[secret]"), [admin]), /the preview hides password of .*tenant-keystone-admin and the former Keystone resources do not hold it/);
        });

        it("refuses a provider the preview does not know the password of yet (OSK's own resources still moving), saying what to run first", () => {
            assert.throws(() => providerEntries(planned("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), [admin]), /does not know password of .*tenant-keystone-admin yet: run `pulumi up` with the release that moved OSK's own resources onto the osk plugin first/);
        });

        it("refuses a provider the preview does not create (another release's program)", () => {
            assert.throws(() => providerEntries({ steps: [] }, [admin]), /plans no new provider .*tenant-keystone-admin/);
        });
    });
});
