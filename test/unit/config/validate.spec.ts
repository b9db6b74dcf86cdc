import { strict as assert } from "assert";
import { validateConfig, formatProblems } from "../../../stacks/config/validate";
import { rawConfig } from "../../helpers/stacks";

type Values = Record<string, any>;

function problemsOf(stack: string, edit: (v: Values) => void, extraSecrets?: (raw: ReturnType<typeof rawConfig>) => void) {
    const raw = rawConfig(stack, edit);
    extraSecrets?.(raw);
    const result = validateConfig(raw);
    return result.ok ? [] : result.problems;
}

describe("stack configuration", () => {
    for (const stack of ["dev", "prod"]) {
        it(`accepts the committed ${stack} stack`, () => {
            const result = validateConfig(rawConfig(stack));
            assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
        });
    }

    it("resolves defaults into the model: storage backend by profile, Open vSwitch on control and compute nodes", () => {
        const dev = validateConfig(rawConfig("dev"));
        const prod = validateConfig(rawConfig("prod"));
        assert.ok(dev.ok && prod.ok);
        assert.equal(dev.model.platform.storage.backend, "local");
        assert.equal(prod.model.platform.storage.backend, "ceph");
        assert.deepEqual([...prod.model.nodeRoles.openvswitch].sort(), ["cmp-1", "cmp-2", "cmp-3", "ctl-1", "ctl-2", "ctl-3"]);
        assert.equal(dev.model.controlPlane.mode === "kubeadm" && dev.model.controlPlane.endpoint.port, 8443);
    });

    it("keeps secrets out of the model's printable form", () => {
        const result = validateConfig(rawConfig("dev"));
        assert.ok(result.ok);
        const key = result.model.secrets.sshPrivateKey!;
        assert.equal(String(key), "[secret]");
        assert.equal(JSON.stringify(result.model).includes(key.reveal()), false);
        assert.equal(`${key}`, "[secret]");
    });

    it("reports every problem at once, one line per problem", () => {
        const problems = problemsOf("dev", (v) => {
            v.site.profile = "staging";
            v.openstack.neutron.vniRanges = "9:1";
        });
        assert.deepEqual(problems.map((p) => p.path).sort(), ["osk:openstack.neutron.vniRanges", "osk:site.profile"]);
        const text = formatProblems(problems);
        assert.match(text, /2 problems/);
        assert.match(text, /osk:site\.profile: has a value that is not allowed; allowed: "dev", "prod"/);
    });

    // Each case breaks one thing in a committed stack and names the exact key path the error must point at.
    const cases: { what: string; stack: string; edit: (v: Values) => void; paths: string[]; message?: RegExp; raw?: (r: any) => void }[] = [
        { what: "an unknown profile", stack: "dev", edit: (v) => (v.site.profile = "staging"), paths: ["osk:site.profile"], message: /allowed: "dev", "prod"/ },
        { what: "a site name that is not a DNS label", stack: "dev", edit: (v) => (v.site.name = "Dev_1"), paths: ["osk:site.name"], message: /DNS label/ },
        { what: "a domain with spaces", stack: "dev", edit: (v) => (v.site.domain = "my cloud"), paths: ["osk:site.domain"], message: /DNS name/ },
        { what: "a missing site section", stack: "dev", edit: (v) => delete v.site, paths: ["osk:site"], message: /is required/ },
        { what: "a misspelt top-level key", stack: "dev", edit: (v) => (v.sitee = {}), paths: ["osk:sitee"], message: /not a known key; allowed: osk:site/ },
        { what: "a misspelt nested key", stack: "dev", edit: (v) => (v.controlPlane.endpont = {}), paths: ["osk:controlPlane.endpont"], message: /not a known key/ },
        { what: "an unknown control plane mode", stack: "dev", edit: (v) => (v.controlPlane.mode = "kubespray"), paths: ["osk:controlPlane.mode"], message: /kubeadm, existing/ },
        { what: "a Kubernetes version that is not exact", stack: "dev", edit: (v) => (v.controlPlane.kubernetesVersion = "1.33"), paths: ["osk:controlPlane.kubernetesVersion"], message: /exact Kubernetes version/ },
        { what: "an unsupported Kubernetes minor", stack: "dev", edit: (v) => (v.controlPlane.kubernetesVersion = "1.29.4"), paths: ["osk:controlPlane.kubernetesVersion"], message: /allowed: 1\.31\.x to 1\.35\.x/ },
        { what: "prod with two masters", stack: "prod", edit: (v) => v.controlPlane.masters.pop(), paths: ["osk:controlPlane.masters"], message: /odd number of masters, 3 or more/ },
        {
            what: "prod with four masters",
            stack: "prod",
            edit: (v) => v.controlPlane.masters.push({ name: "master-4", address: "10.30.0.14" }),
            paths: ["osk:controlPlane.masters"],
            message: /got 4/,
        },
        { what: "a pod network overlapping the node network", stack: "dev", edit: (v) => (v.controlPlane.network.pods = "10.20.0.0/16"), paths: ["osk:controlPlane.network.pods"], message: /overlaps osk:controlPlane\.network\.nodes/ },
        { what: "a service network overlapping the pod network", stack: "dev", edit: (v) => (v.controlPlane.network.services = "10.244.128.0/20"), paths: ["osk:controlPlane.network.services"], message: /overlaps osk:controlPlane\.network\.pods/ },
        { what: "a node network with host bits set", stack: "dev", edit: (v) => (v.controlPlane.network.nodes = "10.20.0.1/24"), paths: ["osk:controlPlane.network.nodes"], message: /host bits set/ },
        { what: "a VIP outside the node network", stack: "dev", edit: (v) => (v.controlPlane.endpoint.address = "10.21.0.10"), paths: ["osk:controlPlane.endpoint.address"], message: /outside the node network 10\.20\.0\.0\/24/ },
        { what: "a VIP that is a node's address", stack: "prod", edit: (v) => (v.controlPlane.endpoint.address = "10.30.0.12"), paths: ["osk:controlPlane.endpoint.address"], message: /address of node "master-2"/ },
        { what: "a VIP on the network address", stack: "dev", edit: (v) => (v.controlPlane.endpoint.address = "10.20.0.0"), paths: ["osk:controlPlane.endpoint.address"], message: /network or broadcast/ },
        { what: "a master outside the node network", stack: "dev", edit: (v) => (v.controlPlane.masters[0].address = "10.99.0.11"), paths: ["osk:controlPlane.masters[0].address"], message: /outside the node network/ },
        { what: "an address that is not an IP", stack: "dev", edit: (v) => (v.controlPlane.masters[0].address = "10.20.0.300"), paths: ["osk:controlPlane.masters[0].address"], message: /IPv4 or IPv6 address/ },
        { what: "two hosts with one name", stack: "prod", edit: (v) => (v.controlPlane.workers[0].name = "master-1"), paths: ["osk:controlPlane.workers[0].name", "osk:nodeRoles.controlPlane[0]", "osk:nodeRoles.custom.ctl-1", "osk:platform.storage.cephDevices.ctl-1"], message: /already used/ },
        { what: "two hosts with one address", stack: "prod", edit: (v) => (v.controlPlane.workers[1].address = "10.30.1.11"), paths: ["osk:controlPlane.workers[1].address"], message: /already used/ },
        { what: "an unknown endpoint type", stack: "dev", edit: (v) => (v.controlPlane.endpoint.type = "dns"), paths: ["osk:controlPlane.endpoint.type"] },
        { what: "an SSH port out of range", stack: "dev", edit: (v) => (v.controlPlane.ssh.port = 70000), paths: ["osk:controlPlane.ssh.port"], message: /port number 1-65535/ },
        { what: "a jump host that is no address", stack: "prod", edit: (v) => (v.controlPlane.ssh.jumpHost.address = "not a host!"), paths: ["osk:controlPlane.ssh.jumpHost.address"], message: /IP address or a DNS name/ },
        { what: "an unsupported CNI", stack: "dev", edit: (v) => (v.controlPlane.cni.plugin = "weave"), paths: ["osk:controlPlane.cni.plugin"], message: /"calico", "flannel"/ },
        { what: "an unknown eviction signal", stack: "dev", edit: (v) => (v.controlPlane.kubelet = { evictionHard: { "cpu.available": "1" } }), paths: ['osk:controlPlane.kubelet.evictionHard["cpu.available"]'], message: /not a known key/ },
        { what: "a role naming a node not in the inventory", stack: "dev", edit: (v) => (v.nodeRoles.compute = ["ghost"]), paths: ["osk:nodeRoles.compute[0]"], message: /not in the inventory; allowed: aio-1/ },
        { what: "a custom label key with a space", stack: "dev", edit: (v) => (v.nodeRoles.custom["aio-1"]["bad key"] = "x"), paths: ['osk:nodeRoles.custom.aio-1["bad key"]'], message: /label key/ },
        { what: "a custom label that sets a role label", stack: "dev", edit: (v) => (v.nodeRoles.custom["aio-1"].openvswitch = "enabled"), paths: ["osk:nodeRoles.custom.aio-1.openvswitch"], message: /role label; set it through nodeRoles\.openvswitch/ },
        { what: "Open vSwitch nodes missing a compute node", stack: "prod", edit: (v) => (v.nodeRoles.openvswitch = ["ctl-1", "ctl-2", "ctl-3", "cmp-1"]), paths: ["osk:nodeRoles.openvswitch"], message: /missing: cmp-2, cmp-3/ },
        { what: "prod with two OpenStack control nodes", stack: "prod", edit: (v) => v.nodeRoles.controlPlane.pop(), paths: ["osk:nodeRoles.controlPlane"], message: /at least 3 control-plane nodes/ },
        { what: "nova with no compute node", stack: "dev", edit: (v) => (v.nodeRoles.compute = []), paths: ["osk:nodeRoles.compute"], message: /nova is enabled/ },
        { what: "a chart version range", stack: "dev", edit: (v) => (v.charts.versions.keystone = "^2026.1.0"), paths: ["osk:charts.versions.keystone"], message: /exact version/ },
        { what: "a deployed chart without a version", stack: "dev", edit: (v) => delete v.charts.versions.glance, paths: ["osk:charts.versions.glance"], message: /needs an exact pinned version/ },
        { what: "an unknown chart name", stack: "dev", edit: (v) => (v.charts.versions.keystne = "1.0.0"), paths: ["osk:charts.versions.keystne"], message: /unknown chart "keystne"/ },
        { what: "a chart source that is neither a repository nor a directory", stack: "dev", edit: (v) => (v.charts.source = { git: "x" }), paths: ["osk:charts.source"], message: /repository: <http\(s\) URL>/ },
        { what: "an unknown OpenStack service", stack: "dev", edit: (v) => v.openstack.services.push("swift"), paths: ["osk:openstack.services[6]"], message: /"keystone"/ },
        { what: "nova without placement", stack: "dev", edit: (v) => (v.openstack.services = v.openstack.services.filter((s: string) => s !== "placement")), paths: ["osk:openstack.services"], message: /nova needs placement/ },
        { what: "a reversed VNI range", stack: "dev", edit: (v) => (v.openstack.neutron.vniRanges = "1000:1"), paths: ["osk:openstack.neutron.vniRanges"], message: /low <= high/ },
        { what: "a tunnel interface with a space", stack: "dev", edit: (v) => (v.openstack.neutron.tunnelInterface = "eth 1"), paths: ["osk:openstack.neutron.tunnelInterface"], message: /interface name/ },
        { what: "a password in plain structured config", stack: "dev", edit: (v) => (v.openstack.adminPassword = "hunter2"), paths: ["osk:openstack.adminPassword"], message: /looks like a secret/ },
        { what: "a private key pasted into a plain value", stack: "prod", edit: (v) => (v.tenant.image = "-----BEGIN RSA PRIVATE KEY-----\nabc"), paths: ["osk:tenant.image"], message: /private key or token in plaintext/ },
        { what: "the SSH key stored in plaintext", stack: "dev", edit: () => undefined, raw: (r) => r.secretKeys.delete("sshPrivateKey"), paths: ["osk:sshPrivateKey"], message: /plaintext in the stack file/ },
        { what: "no SSH key in kubeadm mode", stack: "dev", edit: () => undefined, raw: (r) => { delete r.values.sshPrivateKey; r.secretKeys.delete("sshPrivateKey"); }, paths: ["osk:sshPrivateKey"], message: /required when controlPlane\.mode is kubeadm/ },
        { what: "existing mode without a kubeconfig", stack: "dev", edit: (v) => (v.controlPlane = { mode: "existing", nodes: ["aio-1"] }), paths: ["osk:kubeconfig"], message: /pulumi config set --secret osk:kubeconfig/ },
        { what: "a world-open Kubernetes API", stack: "prod", edit: (v) => (v.tenant.apiAllowedCidrs = ["0.0.0.0/0"]), paths: ["osk:tenant.apiAllowedCidrs[0]"], message: /whole Internet/ },
        { what: "a world-open SSH port", stack: "prod", edit: (v) => (v.tenant.sshAllowedCidrs = ["10.0.0.0/8", "::/0"]), paths: ["osk:tenant.sshAllowedCidrs[1]"], message: /whole Internet/ },
        { what: "prod tenant with two masters", stack: "prod", edit: (v) => (v.tenant.masters.count = 2), paths: ["osk:tenant.masters.count"], message: /odd number of tenant masters/ },
        { what: "two default StorageClasses", stack: "prod", edit: (v) => (v.tenant.storage.cinderClasses[1].default = true), paths: ["osk:tenant.storage.cinderClasses"], message: /at most one/ },
        { what: "a sync namespace format without %i", stack: "prod", edit: (v) => (v.tenant.keystoneAuth.sync.namespaceFormat = "project-%n"), paths: ["osk:tenant.keystoneAuth.sync.namespaceFormat"], message: /lacks %i/ },
        { what: "a tenant on a site without Octavia", stack: "prod", edit: (v) => { v.openstack.services = v.openstack.services.filter((s: string) => s !== "octavia"); delete v.charts.versions.octavia; }, paths: ["osk:tenant.cloud.source"], message: /needs octavia/ },
        { what: "an unknown verb in the keystone policy", stack: "prod", edit: (v) => (v.tenant.keystoneAuth.policy[0].verbs = ["destroy"]), paths: ["osk:tenant.keystoneAuth.policy[0].verbs[0]"] },
        { what: "a tenant on an existing cloud without its password", stack: "prod", edit: (v) => (v.tenant.cloud = { source: "existing", authUrl: "https://keystone.example.net:5000/v3", region: "r1", username: "k8s", projectName: "apps" }), paths: ["osk:tenantCloudPassword"], message: /required when tenant\.cloud\.source is existing/ },
        { what: "more tenant workers than the fixed half of the node network holds", stack: "prod", edit: (v) => (v.tenant.workers.count = 109), paths: ["osk:tenant.workers.count"], message: /holds at most 108 workers/ },
        { what: "a tenant node network smaller than a /26", stack: "prod", edit: (v) => (v.tenant.network.nodes = "192.168.100.0/27"), paths: ["osk:tenant.network.nodes"], message: /too small/ },
        { what: "Cinder StorageClasses without the Cinder CSI driver", stack: "prod", edit: (v) => { v.tenant.addons = { cinderCsi: false }; v.tenant.storage.snapshotClasses = []; }, paths: ["osk:tenant.storage.cinderClasses"], message: /need the Cinder CSI driver/ },
        { what: "an add-on registry that is not a registry", stack: "prod", edit: (v) => (v.tenant.addons = { registry: "https://registry.example.net" }), paths: ["osk:tenant.addons.registry"] },
        { what: "tenant instances without an SSH key to reach them", stack: "lab", edit: (v) => (v.tenant.infrastructure = true), raw: (r) => { r.values.kubeconfig = "apiVersion: v1"; r.values.tenantCloudPassword = "x"; r.secretKeys.add("kubeconfig"); r.secretKeys.add("tenantCloudPassword"); }, paths: ["osk:sshPrivateKey"], message: /required when tenant\.infrastructure is true/ },
        { what: "an IPv6 network allowed to an IPv4 tenant API", stack: "prod", edit: (v) => (v.tenant.apiAllowedCidrs = ["10.0.0.0/8", "2001:db8::/32"]), paths: ["osk:tenant.apiAllowedCidrs[1]"], message: /VIP's family/ },
        { what: "a tenant pod network overlapping its node network", stack: "prod", edit: (v) => (v.tenant.network.pods = "192.168.0.0/16"), paths: ["osk:tenant.network.pods"], message: /overlaps osk:tenant\.network\.nodes/ },
        { what: "Ceph devices on a node not in the inventory", stack: "prod", edit: (v) => (v.platform.storage.cephDevices.ghost = ["/dev/sdb"]), paths: ["osk:platform.storage.cephDevices.ghost"], message: /not in the inventory/ },
        { what: "prod Ceph with devices on two nodes", stack: "prod", edit: (v) => delete v.platform.storage.cephDevices["ctl-3"], paths: ["osk:platform.storage.cephDevices"], message: /at least 3 nodes/ },
    ];

    describe("rejects invalid configurations, naming the exact key", () => {
        for (const c of cases) {
            it(`${c.what} -> ${c.paths[0]}`, () => {
                const problems = problemsOf(c.stack, c.edit, c.raw);
                assert.deepEqual(problems.map((p) => p.path).sort(), [...c.paths].sort(), formatProblems(problems));
                if (c.message) {
                    const first = problems.find((p) => p.path === c.paths[0])!;
                    assert.match(first.message, c.message);
                }
            });
        }
    });

    it("has at least 30 distinct invalid configurations", () => {
        assert.ok(new Set(cases.map((c) => c.paths[0])).size >= 30);
    });
});

describe("the lab stack file", () => {
    it("validates once the lab sets its kubeconfig", () => {
        const result = validateConfig(rawConfig("lab"));
        assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
        assert.equal(result.ok && result.model.controlPlane.mode, "existing");
    });
});
