// The OpenStack provider's token rule and its exception table, against the @pulumi/openstack package itself.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { deriveExceptions, mechanicalFunctionToken, mechanicalResourceToken, providerToken, readTokenTable, ROOT, sdkTokens, servedTokens, terraformNames } from "../../../tools/openstack-provider/token-rule";

const MODULES = { lb: "loadbalancer", fw: "firewall", db: "database" };

describe("OpenStack provider tokens", () => {
    describe("the mechanical rule", () => {
        it("drops the version and camel-cases the name: openstack_networking_router_interface_v2", () => {
            assert.equal(mechanicalResourceToken("openstack_networking_router_interface_v2", MODULES), "openstack:networking/routerInterface:RouterInterface");
            assert.equal(mechanicalFunctionToken("openstack_networking_network_v2", MODULES), "openstack:networking/getNetwork:getNetwork");
        });

        it("renames the short Terraform modules", () => {
            assert.equal(mechanicalResourceToken("openstack_lb_listener_v2", MODULES), "openstack:loadbalancer/listener:Listener");
            assert.equal(mechanicalResourceToken("openstack_fw_rule_v2", MODULES), "openstack:firewall/rule:Rule");
            assert.equal(mechanicalResourceToken("openstack_db_user_v1", MODULES), "openstack:database/user:User");
        });

        it("refuses a name outside openstack_<module>_<name>", () => {
            assert.throws(() => mechanicalResourceToken("aws_instance", MODULES), /aws_instance is not an openstack_<module>_<name>/);
        });
    });

    describe("deriving the exceptions from SDK tokens", () => {
        const sdk = ["openstack:networking/secGroup:SecGroup", "openstack:networking/port:Port", "openstack:blockstorage/quoteSetV3:QuoteSetV3", "openstack:blockstorage/quoteSetV2:QuoteSetV2", "openstack:blockstorage/qosV3:QosV3", "openstack:compute/secGroup:SecGroup"];
        const tf = ["openstack_networking_secgroup_v2", "openstack_networking_port_v2", "openstack_blockstorage_quotaset_v3", "openstack_blockstorage_qos_v3", "openstack_networking_bgp_peer_v2"];
        const d = deriveExceptions("resource", tf, sdk, MODULES);

        it("takes the SDK's spelling where it differs only in case or underscores, and keeps a version the SDK keeps", () => {
            assert.equal(d.exceptions.openstack_networking_secgroup_v2, "openstack:networking/secGroup:SecGroup");
            assert.equal(d.exceptions.openstack_blockstorage_qos_v3, "openstack:blockstorage/qosV3:QosV3");
            assert.ok(!("openstack_networking_port_v2" in d.exceptions), "the rule already spells Port");
        });

        it("matches the SDK's typos to the nearest token only", () => {
            assert.equal(d.exceptions.openstack_blockstorage_quotaset_v3, "openstack:blockstorage/quoteSetV3:QuoteSetV3");
        });

        it("says which SDK tokens nothing serves and which Terraform names the SDK lacks", () => {
            assert.deepEqual(d.unserved, ["openstack:blockstorage/quoteSetV2:QuoteSetV2", "openstack:compute/secGroup:SecGroup"]);
            assert.deepEqual(d.fresh, ["openstack_networking_bgp_peer_v2"]);
        });

        it("finds the SDK's root-module functions spelled with the Terraform module", () => {
            const f = deriveExceptions("function", ["openstack_fw_group_v2"], ["openstack:index/getFwGroupV2:getFwGroupV2"], MODULES);
            assert.deepEqual(f.exceptions, { openstack_fw_group_v2: "openstack:index/getFwGroupV2:getFwGroupV2" });
        });

        it("refuses two Terraform names on one token", () => {
            const table = { comment: "", modules: MODULES, resources: {}, functions: {}, ignored: {} };
            assert.throws(() => servedTokens("function", ["openstack_lb_flavor_v2", "openstack_loadbalancer_flavor_v2"], table), /openstack_lb_flavor_v2 and openstack_loadbalancer_flavor_v2 both map to openstack:loadbalancer\/getFlavor:getFlavor/);
            assert.equal(servedTokens("function", ["openstack_lb_flavor_v2", "openstack_loadbalancer_flavor_v2"], { ...table, ignored: { openstack_loadbalancer_flavor_v2: "alias" } }).size, 1);
        });
    });

    describe("tokens.json against the installed @pulumi/openstack", () => {
        const table = readTokenTable();
        const sdk = sdkTokens();

        it("reads the SDK's own tokens: 3.15.2, with its resources and functions", () => {
            assert.equal(sdk.version, "3.15.2");
            assert.ok(sdk.resources.includes("openstack:networking/secGroupRule:SecGroupRule"));
            assert.ok(sdk.functions.includes("openstack:networking/getNetwork:getNetwork"));
        });

        it("every exception is a token the SDK sends, and differs from what the rule makes", () => {
            for (const [tf, token] of Object.entries(table.resources)) {
                assert.ok(sdk.resources.includes(token), `${tf}: ${token} is not an SDK resource token`);
                assert.notEqual(token, mechanicalResourceToken(tf, table.modules), `${tf} needs no exception`);
            }
            for (const [tf, token] of Object.entries(table.functions)) {
                assert.ok(sdk.functions.includes(token), `${tf}: ${token} is not an SDK function token`);
                assert.notEqual(token, mechanicalFunctionToken(tf, table.modules), `${tf} needs no exception`);
            }
        });

        it("the tenant's resources get the SDK's tokens", () => {
            assert.equal(providerToken("resource", "openstack_networking_secgroup_rule_v2", table), "openstack:networking/secGroupRule:SecGroupRule");
            assert.equal(providerToken("resource", "openstack_compute_servergroup_v2", table), "openstack:compute/serverGroup:ServerGroup");
            assert.equal(providerToken("resource", "openstack_lb_loadbalancer_v2", table), "openstack:loadbalancer/loadBalancer:LoadBalancer");
            assert.equal(providerToken("resource", "openstack_networking_floatingip_associate_v2", table), "openstack:networking/floatingIpAssociate:FloatingIpAssociate");
            assert.equal(providerToken("resource", "openstack_compute_instance_v2", table), "openstack:compute/instance:Instance");
        });

        it("the Go module builds exactly the versions package.json maps the SDK pin to", () => {
            const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
            const want = pkg.osk.toolchain.openstackProvider[pkg.dependencies["@pulumi/openstack"]];
            const gomod = readFileSync(join(ROOT, "tools", "openstack-provider", "go.mod"), "utf8");
            assert.match(gomod, new RegExp(`github.com/terraform-provider-openstack/terraform-provider-openstack/v3 ${want.terraformProvider.replace(/\./g, "\\.")}\\n`));
            assert.match(gomod, new RegExp(`github.com/pulumi/pulumi-terraform-bridge/v3 ${want.bridge.replace(/\./g, "\\.")}\\n`));
            assert.match(gomod, new RegExp(`replace github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 ${want.pluginSdk}\\n`));
        });

        it("reads Terraform names off a provider.go", () => {
            const go = 'DataSourcesMap: map[string]*schema.Resource{\n\t\t\t"openstack_networking_network_v2": dataSourceNetworkingNetworkV2(),\n\t\t},\n\t\tResourcesMap: map[string]*schema.Resource{\n\t\t\t"openstack_networking_port_v2": resourceNetworkingPortV2(),\n\t\t\t"openstack_compute_instance_v2": resourceComputeInstanceV2(),\n\t\t},\n';
            assert.deepEqual(terraformNames(go), { resources: ["openstack_compute_instance_v2", "openstack_networking_port_v2"], dataSources: ["openstack_networking_network_v2"] });
        });
    });
});
