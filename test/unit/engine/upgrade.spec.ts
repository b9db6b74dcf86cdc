// The move of a stack's tenant identity from the former Keystone resources onto the OpenStack provider, as state
// work: URNs retyped, ids in the provider's form, secrets carried, references rewritten, order kept valid.
import { strict as assert } from "assert";
import { childUrn, identityProviders, moveKeystoneResources, orderResources, retypeUrn, type Deployment, type StateResource } from "../../../tools/engine/upgrade";

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

    it("refuses a stack with pending operations, and one whose providers step 1 has not made", () => {
        assert.throws(() => moveKeystoneResources({ ...lab(), pending_operations: [{}] }), /pending operations .* recover it first/);
        assert.throws(() => moveKeystoneResources({ resources: lab().resources!.slice(0, 6) }), /tenant-keystone-admin is not in the state: run the up of step 1/);
    });
});
