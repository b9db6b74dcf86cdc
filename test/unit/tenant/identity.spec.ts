// The tenant's identity in Keystone under mocks, and the rules that decide replace vs update.
import { strict as assert } from "assert";
import { passwordAuthBody } from "../../../components/keystone/api";
import { diffSpec } from "../../../components/keystone/resources";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";

const K = "pulumi-nodejs:dynamic/keystone:";

describe("tenant identity (prod, on the site's own Keystone)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });

    it("creates the project, a service user with its role, and an application credential, in that order", () => {
        const project = run.byName("tenant-project");
        const user = run.byName("tenant-user");
        const role = run.byName("tenant-role-member");
        const cred = run.byName("tenant-application-credential");
        assert.equal(project.inputs.spec.name, "platform-apps");
        assert.equal(user.inputs.spec.name, "apps-cloud-provider");
        assert.equal(user.inputs.spec.defaultProjectId, "tenant-project-oid");
        assert.deepEqual([role.inputs.spec.projectId, role.inputs.spec.userId, role.inputs.spec.role], ["tenant-project-oid", "tenant-user-oid", "member"]);
        assert.deepEqual(cred.dependsOn, ["tenant-role-member"]);
        assert.deepEqual(cred.inputs.spec.roles, ["member"]);
    });

    it("talks to the site's public Keystone as admin, after the OpenStack layer", () => {
        for (const r of run.resources.filter((x) => x.type.startsWith(K))) {
            assert.equal(r.inputs.authUrl, "https://keystone.fra1.cloud.example.net/v3");
            assert.equal(r.inputs.username, "admin");
            assert.equal(r.inputs.password, "generated-credentials-keystone-admin");
        }
        assert.deepEqual(run.byName("tenant").dependsOn, ["openstack"]);
    });

    it("keeps the admin password, the user's password and the credential secret out of plain inputs", () => {
        for (const r of run.resources.filter((x) => x.type.startsWith(K))) {
            const plain = plainStrings(r.wire).join("\n");
            assert.ok(!plain.includes("generated-credentials-keystone-admin"), r.name);
            assert.ok(!plain.includes("generated-tenant-user-password"), r.name);
        }
    });
});

describe("keystone object changes", () => {
    it("replaces on identity (name, domain, membership), updates description and password in place", () => {
        assert.deepEqual(diffSpec("project", { name: "a", domain: "Default", description: "x" }, { name: "a", domain: "Default", description: "y" }), { changes: true, replaces: [] });
        assert.deepEqual(diffSpec("project", { name: "a", domain: "Default" }, { name: "b", domain: "Default" }), { changes: true, replaces: ["spec.name"] });
        assert.deepEqual(diffSpec("user", { name: "u", password: "1" }, { name: "u", password: "2" }), { changes: true, replaces: [] });
        assert.deepEqual(diffSpec("roleAssignment", { projectId: "p", userId: "u", role: "member" }, { projectId: "p", userId: "u", role: "reader" }), { changes: true, replaces: ["spec.role"] });
        assert.deepEqual(diffSpec("project", { name: "a" }, { name: "a" }), { changes: false, replaces: [] });
    });

    it("authenticates scoped to the named project and domains", () => {
        const body = passwordAuthBody({ authUrl: "http://k/v3", username: "admin", password: "pw", projectName: "admin" }) as any;
        assert.deepEqual(body.auth.identity.password.user, { name: "admin", domain: { name: "Default" }, password: "pw" });
        assert.deepEqual(body.auth.scope.project, { name: "admin", domain: { name: "Default" } });
    });
});
