// The tenant's identity in Keystone under mocks: the project, service user, role assignments and application
// credential as `@pulumi/openstack` identity resources, who makes each, in which order, and what stays secret.
import { strict as assert } from "assert";
import { OPENSTACK_CONNECTION_RETRIES, passwordProviderArgs } from "../../../components/tenant/identity";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";

const IDENTITY = "openstack:identity/";

describe("tenant identity (prod, on the site's own Keystone)", () => {
    let run: RunResult;
    before(async () => {
        run = await runStack("prod");
    });

    it("creates the project, a service user in it, its role by id, and an application credential, in that order", () => {
        const project = run.byName("tenant-project");
        const user = run.byName("tenant-user");
        const role = run.byName("tenant-role-member");
        const cred = run.byName("tenant-application-credential");
        assert.equal(project.type, "openstack:identity/project:Project");
        assert.equal(project.inputs.name, "platform-apps");
        assert.equal(user.inputs.name, "apps-cloud-provider");
        assert.equal(user.inputs.defaultProjectId, "tenant-project-id");
        // The role's id comes from Keystone's own list, looked up by name (the mocks answer `<name>-id`).
        assert.deepEqual([role.inputs.projectId, role.inputs.userId, role.inputs.roleId], ["tenant-project-id", "tenant-user-id", "member-id"]);
        assert.ok(run.invokes.includes("openstack:identity/getRole:getRole"));
        assert.deepEqual(cred.dependsOn, ["tenant-role-member"]);
        assert.deepEqual(cred.inputs.roles, ["member"]);
        assert.equal(cred.inputs.unrestricted, false, "the credential cannot make more credentials");
    });

    it("makes the project, user and roles as the site's admin, and the credential as the service user itself", () => {
        const admin = run.byName("tenant-keystone-admin");
        assert.deepEqual(
            [admin.inputs.authUrl, admin.inputs.userName, admin.inputs.tenantName, admin.inputs.region],
            ["https://keystone.fra1.cloud.example.net/v3", "admin", "admin", "fra1"],
        );
        const service = run.byName("tenant-keystone-service-user");
        assert.deepEqual([service.inputs.userName, service.inputs.tenantName, service.inputs.userDomainName], ["apps-cloud-provider", "platform-apps", "Default"]);
        assert.equal(service.inputs.password, "generated-tenant-user-password");
        for (const r of run.resources.filter((x) => x.type.startsWith(IDENTITY))) {
            const by = r.type.endsWith(":ApplicationCredential") ? "tenant-keystone-service-user" : "tenant-keystone-admin";
            assert.match(r.provider ?? "", new RegExp(`::${by}::`), r.name);
        }
        assert.deepEqual(run.byName("tenant").dependsOn, ["openstack"]);
    });

    it("keeps the admin password, the user's password and the credential secret out of plain inputs", () => {
        for (const r of run.resources.filter((x) => x.type.startsWith(IDENTITY) || x.type === "pulumi:providers:openstack")) {
            const plain = plainStrings(r.wire).join("\n");
            assert.ok(!plain.includes("generated-credentials-keystone-admin"), r.name);
            assert.ok(!plain.includes("generated-tenant-user-password"), r.name);
            assert.ok(!plain.includes("generated-tenant-application-credential"), r.name);
        }
    });

    it("signs in scoped to the named project, in the Default domains unless told otherwise", () => {
        const args = passwordProviderArgs({ authUrl: "http://k/v3", username: "admin", password: "pw", projectName: "admin" }, "r1");
        assert.deepEqual({ ...args, password: undefined }, { maxRetries: OPENSTACK_CONNECTION_RETRIES, authUrl: "http://k/v3", region: "r1", userName: "admin", password: undefined, tenantName: "admin", userDomainName: "Default", projectDomainName: "Default" });
        const other = passwordProviderArgs({ authUrl: "http://k/v3", username: "u", password: "pw", projectName: "p", userDomain: "ops", projectDomain: "tenants" }, "r1");
        assert.deepEqual([other.userDomainName, other.projectDomainName], ["ops", "tenants"]);
    });
});
