// The tenant cluster's kubeadm configuration: derived from the tenant section and its address plan, with what the
// instances' machine image needs of kubeadm passed through to the control plane unchanged.
import { strict as assert } from "assert";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import { tenantClusterSchema, type TenantClusterInput } from "../../../components/tenant/args";
import { tenantKubeadmConfig } from "../../../components/tenant/kubeadm";

const base: TenantClusterInput = {
    name: "apps",
    project: "apps",
    kubernetesVersion: "1.33.4",
    image: "ubuntu-24.04",
    masters: { count: 3, flavor: "m1.large" },
    workers: { count: 2, flavor: "m1.xlarge" },
    keyPair: "ops",
    network: { nodes: "192.168.100.0/24", externalNetwork: "public" },
    apiAllowedCidrs: ["10.0.0.0/8"],
};
const config = (extra: Partial<TenantClusterInput> = {}) => {
    const t = tenantClusterSchema.parse({ ...base, ...extra });
    return tenantKubeadmConfig(t, tenantAddressPlan(t));
};

describe("tenant kubeadm configuration", () => {
    it("puts the planned nodes behind the Octavia VIP, with the control plane's defaults for the rest", () => {
        const c = config();
        assert.deepEqual(c.endpoint, { type: "loadBalancer", address: "192.168.100.5", port: 6443 });
        assert.deepEqual(c.masters.map((m) => `${m.name}=${m.address}`), ["apps-master-1=192.168.100.10", "apps-master-2=192.168.100.11", "apps-master-3=192.168.100.12"]);
        assert.deepEqual(c.workers.map((m) => m.address), ["192.168.100.20", "192.168.100.21"]);
        assert.equal(c.kubelet.cgroupDriver, "systemd");
        assert.deepEqual(c.ignorePreflightErrors, []);
        assert.deepEqual(c.addons, { kubeProxy: true, coreDns: true });
    });

    it("passes the image's kubelet, preflight and add-on settings through to the control plane", () => {
        const c = config({ kubeadm: { kubelet: { cgroupDriver: "cgroupfs" }, ignorePreflightErrors: ["HTTPProxyCIDR"], addons: { kubeProxy: true, coreDns: false } } });
        assert.equal(c.kubelet.cgroupDriver, "cgroupfs");
        assert.equal(c.kubelet.kubeReserved.memory, "1Gi", "the kubelet's other settings keep their defaults");
        assert.deepEqual(c.ignorePreflightErrors, ["HTTPProxyCIDR"]);
        assert.deepEqual(c.addons, { kubeProxy: true, coreDns: false });
    });

    it("refuses what the control plane refuses, naming the tenant's key", () => {
        const r = tenantClusterSchema.safeParse({ ...base, kubeadm: { ignorePreflightErrors: ["all"] } });
        assert.ok(!r.success);
        assert.deepEqual(r.error.issues[0].path, ["kubeadm", "ignorePreflightErrors", 0]);
        assert.match(r.error.issues[0].message, /name the checks one by one/);
        const unknown = tenantClusterSchema.safeParse({ ...base, kubeadm: { masters: [] } });
        assert.ok(!unknown.success, "only the image's settings: the nodes come from the address plan");
    });
});
