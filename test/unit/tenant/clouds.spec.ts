// The tenant's clouds.yaml: what the teams building on the tenant cluster authenticate with.
import { strict as assert } from "assert";
import { parse } from "yaml";
import { cloudsYamlDocument } from "../../../components/tenant/clouds";

describe("tenant clouds.yaml", () => {
    it("is one cloud that authenticates with the application credential only (no user, no password)", () => {
        const doc = parse(cloudsYamlDocument({ cloud: "apps", authUrl: "https://keystone.example.net/v3", region: "fra1", applicationCredentialId: "abc", applicationCredentialSecret: "s3cr3t" }));
        assert.deepEqual(Object.keys(doc.clouds), ["apps"]);
        const c = doc.clouds.apps;
        assert.equal(c.auth_type, "v3applicationcredential");
        assert.deepEqual(c.auth, { auth_url: "https://keystone.example.net/v3", application_credential_id: "abc", application_credential_secret: "s3cr3t" });
        assert.equal(c.region_name, "fra1");
        assert.equal(c.identity_api_version, 3);
    });
});
