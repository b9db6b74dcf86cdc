import { strict as assert } from "assert";
import {
    cinderCsiManifests,
    cloudControllerManifests,
    cloudProviderVersion,
    keystoneAuthManifests,
    keystoneAuthSans,
    keystoneAuthUrl,
    manilaCsiManifests,
    MANILA_DRIVER,
    storageClassManifest,
    UNINITIALIZED_TAINT,
    type K8sObject,
} from "../../../components/tenant/addons/manifests";
import { cinderStorageClasses, manilaStorageClass } from "../../../components/tenant/addons/render";
import { model } from "../../helpers/models";

const ctx = { cluster: "apps", registry: "mirror.example.net/k8s", version: "v1.33.0", ha: true };
const find = (objs: K8sObject[], kind: string, name: string) => {
    const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(o, `${kind} ${name} missing`);
    return o as any;
};
const podSpec = (o: any) => o.spec.template.spec;
const container = (o: any, name: string) => podSpec(o).containers.find((c: any) => c.name === name);
const hostPathOf = (o: any, volume: string) => podSpec(o).volumes.find((v: any) => v.name === volume)?.hostPath?.path;

function checkRbacWiring(objs: K8sObject[]): void {
    const accounts = new Set(objs.filter((o) => o.kind === "ServiceAccount").map((o) => o.metadata.name));
    const roles = new Set(objs.filter((o) => o.kind === "ClusterRole").map((o) => o.metadata.name));
    for (const b of objs.filter((o) => o.kind === "ClusterRoleBinding") as any[]) {
        assert.ok(roles.has(b.roleRef.name), `binding ${b.metadata.name} points at a missing role`);
        for (const s of b.subjects) assert.ok(accounts.has(s.name), `binding ${b.metadata.name} names a missing account`);
    }
    for (const w of objs.filter((o) => o.kind === "Deployment" || o.kind === "DaemonSet")) {
        assert.ok(accounts.has(podSpec(w).serviceAccountName), `${w.metadata.name} runs as a missing account`);
        assert.deepEqual((w as any).spec.selector.matchLabels, Object.fromEntries(Object.entries((w as any).spec.template.metadata.labels).filter(([k]) => k in (w as any).spec.selector.matchLabels)));
        for (const c of podSpec(w).containers) {
            assert.ok(c.image.startsWith("mirror.example.net/k8s/"), `${c.image} not from the configured registry`);
            assert.match(c.image, /:v\d+\.\d+\.\d+$/, `${c.image} is not pinned`);
        }
    }
    for (const o of objs) if (!["ClusterRole", "ClusterRoleBinding", "CSIDriver", "StorageClass"].includes(o.kind)) assert.equal(o.metadata.namespace, "kube-system", `${o.kind} ${o.metadata.name}`);
}

describe("tenant add-on manifests", () => {
    it("follow the cloud provider's release for the cluster's minor version", () => {
        assert.equal(cloudProviderVersion("1.33.4"), "v1.33.0");
        assert.equal(cloudProviderVersion("v1.35.1"), "v1.35.0");
        assert.throws(() => cloudProviderVersion("1.33"), /exact Kubernetes version/);
    });

    it("the cloud controller runs on masters, on the host network, tolerating the uninitialized taint it removes", () => {
        const objs = cloudControllerManifests(ctx);
        checkRbacWiring(objs);
        const ds = find(objs, "DaemonSet", "openstack-cloud-controller-manager");
        const spec = podSpec(ds);
        assert.equal(spec.hostNetwork, true, "it must run before the CNI does");
        assert.deepEqual(spec.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.ok(spec.tolerations.some((t: any) => t.key === UNINITIALIZED_TAINT && t.effect === "NoSchedule"));
        const c = container(ds, "cloud-controller-manager");
        assert.ok(c.args.includes("--cloud-config=/etc/config/cloud.conf") && c.args.includes("--cluster-name=apps"));
        assert.equal(spec.volumes.find((v: any) => v.name === "cloud-config").secret.secretName, "cloud-config");
    });

    it("Cinder CSI: the controller's sidecars share the plugin's socket; the node plugin registers the driver's socket", () => {
        const objs = cinderCsiManifests(ctx);
        checkRbacWiring(objs);
        assert.equal(find(objs, "CSIDriver", "cinder.csi.openstack.org").spec.attachRequired, true);
        const ctl = find(objs, "Deployment", "csi-cinder-controllerplugin");
        assert.equal(ctl.spec.replicas, 2);
        const plugin = container(ctl, "cinder-csi-plugin");
        assert.ok(plugin.args.includes("--provide-node-service=false"));
        for (const c of podSpec(ctl).containers.filter((x: any) => x.name.startsWith("csi-"))) {
            assert.ok(c.args.includes("--leader-election=true") || c.name === "csi-liveness-probe", c.name);
            assert.deepEqual(c.volumeMounts.map((m: any) => m.name), ["socket-dir"]);
        }
        const node = find(objs, "DaemonSet", "csi-cinder-nodeplugin");
        assert.deepEqual(podSpec(node).tolerations, [{ operator: "Exists" }], "runs on every node, uninitialized ones included");
        const reg = container(node, "node-driver-registrar");
        assert.equal(reg.env.find((e: any) => e.name === "DRIVER_REG_SOCK_PATH").value, `${hostPathOf(node, "socket-dir")}/csi.sock`);
        assert.ok(container(node, "cinder-csi-plugin").args.includes("--provide-controller-service=false"));
        assert.equal(container(node, "cinder-csi-plugin").securityContext.privileged, true);
        assert.equal(container(ctl, "cinder-csi-plugin").securityContext, undefined, "the controller is not privileged");
        assert.equal(find(cinderCsiManifests({ ...ctx, ha: false }), "Deployment", "csi-cinder-controllerplugin").spec.replicas, 1);
    });

    it("Manila CSI forwards to the NFS node plugin's socket, which that plugin serves and registers", () => {
        const objs = manilaCsiManifests(ctx);
        checkRbacWiring(objs);
        const manilaNode = find(objs, "DaemonSet", "csi-manila-nodeplugin");
        const nfs = find(objs, "DaemonSet", "csi-nfs-nodeplugin");
        const fwd = container(manilaNode, "manila-csi-plugin").args.find((a: string) => a.startsWith("--fwdendpoint="));
        assert.equal(fwd, `--fwdendpoint=unix://${hostPathOf(nfs, "socket-dir")}/csi.sock`);
        assert.equal(hostPathOf(manilaNode, "fwd-plugin-dir"), hostPathOf(nfs, "socket-dir"));
        assert.equal(container(nfs, "node-driver-registrar").env.find((e: any) => e.name === "DRIVER_REG_SOCK_PATH").value, `${hostPathOf(nfs, "socket-dir")}/csi.sock`);
        assert.ok(container(manilaNode, "manila-csi-plugin").args.includes(`--drivername=${MANILA_DRIVER}`));
        const t = model("prod", (v) => {
            v.tenant.storage.manila = { enabled: true, shareType: "default" };
            v.openstack.services.push("manila");
            v.charts.versions.manila = "2026.1.24+0ee5adeff";
        }).tenant;
        if (!t.enabled) throw new Error("prod has a tenant");
        assert.equal(manilaStorageClass(t)!.provisioner, MANILA_DRIVER, "the StorageClass names the driver that runs");
        find(objs, "CSIDriver", MANILA_DRIVER);
        find(objs, "CSIDriver", "nfs.csi.k8s.io");
    });

    it("k8s-keystone-auth: 2 replicas spread over nodes, a budget keeping one, its Service at the fixed address", () => {
        const objs = keystoneAuthManifests(ctx, { keystoneUrl: "https://keystone.example/v3", clusterIP: "10.101.0.12", sync: true });
        checkRbacWiring(objs);
        const d = find(objs, "Deployment", "k8s-keystone-auth");
        assert.equal(d.spec.replicas, 2);
        assert.ok(podSpec(d).affinity.podAntiAffinity);
        assert.equal(find(objs, "PodDisruptionBudget", "k8s-keystone-auth").spec.minAvailable, 1);
        assert.equal(find(objs, "Service", "k8s-keystone-auth").spec.clusterIP, "10.101.0.12");
        // Logins work on nodes the cloud controller has not initialised yet (or while it is down).
        assert.ok(podSpec(d).tolerations.some((t: any) => t.key === UNINITIALIZED_TAINT && t.effect === "NoSchedule"));
        const c = container(d, "k8s-keystone-auth");
        assert.ok(c.args.includes("--policy-configmap-name=k8s-keystone-auth-policy"));
        assert.ok(c.args.includes("--sync-configmap-name=keystone-sync-policy"));
        assert.ok(c.args.includes("--keystone-url=$(KEYSTONE_URL)"));
        assert.deepEqual(c.env, [{ name: "KEYSTONE_URL", value: "https://keystone.example/v3" }]);
        const noSync = keystoneAuthManifests(ctx, { keystoneUrl: "u", sync: false });
        assert.ok(!container(find(noSync, "Deployment", "k8s-keystone-auth"), "k8s-keystone-auth").args.some((a: string) => a.startsWith("--sync")));
        assert.ok(!JSON.stringify(find(noSync, "ClusterRole", "osk:k8s-keystone-auth").rules).includes("namespaces"), "without sync it cannot create namespaces");
        assert.equal(find(noSync, "Service", "k8s-keystone-auth").spec.clusterIP, undefined);
    });

    it("the webhook URL's host is one of the certificate's names", () => {
        for (const clusterIP of ["10.96.0.12", undefined]) {
            const host = new URL(keystoneAuthUrl({ clusterIP })).hostname;
            const sans = keystoneAuthSans({ clusterIP });
            assert.ok([...sans.dnsNames, ...sans.ipAddresses].includes(host), host);
        }
        assert.equal(keystoneAuthUrl({ clusterIP: "10.96.0.12" }), "https://10.96.0.12:8443/webhook");
    });

    it("StorageClasses: the default annotated, Cinder binding where the pod lands, expansion allowed", () => {
        const t = model("prod").tenant;
        if (!t.enabled) throw new Error("prod has a tenant");
        const [std, retain] = cinderStorageClasses(t).map(storageClassManifest) as any[];
        assert.equal(std.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.equal(retain.metadata.annotations, undefined);
        assert.equal(retain.reclaimPolicy, "Retain");
        assert.equal(std.volumeBindingMode, "WaitForFirstConsumer", "Cinder's default: the volume follows the pod's zone");
        assert.equal(std.allowVolumeExpansion, true);
        assert.deepEqual(std.parameters, { type: "ssd" });
    });

    it("a Cinder class may bind at once (one zone, or claims before their pods)", () => {
        const t = model("prod").tenant;
        if (!t.enabled) throw new Error("prod has a tenant");
        const now = { ...t, storage: { ...t.storage, cinderClasses: [{ ...t.storage.cinderClasses[0], volumeBindingMode: "Immediate" as const }] } };
        assert.equal((storageClassManifest(cinderStorageClasses(now)[0]) as any).volumeBindingMode, "Immediate");
    });

    it("a zone-pinned Cinder class allows only its zone, under the driver's topology key; an unpinned one allows anywhere", () => {
        const t = model("prod").tenant;
        if (!t.enabled) throw new Error("prod has a tenant");
        const base = t.storage.cinderClasses[0];
        const [pinned, anywhere] = cinderStorageClasses({ ...t, storage: { ...t.storage, cinderClasses: [{ ...base, availability: "az-2" }, { ...base, name: "any", availability: undefined }] } }).map(storageClassManifest) as any[];
        assert.deepEqual(pinned.allowedTopologies, [{ matchLabelExpressions: [{ key: "topology.cinder.csi.openstack.org/zone", values: ["az-2"] }] }]);
        assert.equal(pinned.parameters.availability, "az-2");
        assert.equal(anywhere.allowedTopologies, undefined);
    });
});
