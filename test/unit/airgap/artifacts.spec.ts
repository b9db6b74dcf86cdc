// Air-gapped sites: one registry setting moves every image OSK causes to run onto the site's mirror, and the
// artifact list is what the releases, the control plane and the tenant add-ons are given.
import { strict as assert } from "assert";
import { chartsToDeploy, type Values } from "../../../components/charts";
import { clusterConfiguration } from "../../../components/cluster/kubeadm";
import { cniScript, prepareScript, REGISTRY_PASSWORD_ENV } from "../../../components/cluster/scripts";
import { dockerConfigJson, fromMirror, mirrorImage, parseImage, PULL_SECRET_NAME, type Registry } from "../../../components/core/registry";
import { tenantAddonPullSecret, tenantAddonRegistry } from "../../../components/tenant";
import { tenantAddressPlan } from "../../../components/tenant/addresses";
import { tenantKubeadmConfig } from "../../../components/tenant/kubeadm";
import { withPullSecret } from "../../../components/tenant/addons/manifests";
import { artifactTable, stackArtifacts } from "../../../stacks/artifacts";
import { siteChartValues } from "../../../stacks/charts";
import type { Model } from "../../../stacks/config/model";
import { formatProblems, validateConfig } from "../../../stacks/config/validate";
import { plainStrings, runStack, type RunResult } from "../../helpers/mockRun";
import { model } from "../../helpers/models";
import { rawConfig } from "../../helpers/stacks";

/**
 * Every key of `images.tags` in each openstack-helm chart's values.yaml at the pinned 2026.1.x line, read from
 * upstream (the charts render their Jobs and pods from these). OSK must point each one at the mirror.
 */
const JOBS = ["dep_check", "image_repo_sync", "db_init", "db_drop", "ks_user", "ks_service", "ks_endpoints", "rabbit_init"];
const UPSTREAM_IMAGE_KEYS: Record<string, string[]> = {
    keystone: ["bootstrap", "test", "db_init", "keystone_db_sync", "db_drop", "ks_user", "rabbit_init", "keystone_fernet_setup", "keystone_fernet_rotate", "keystone_credential_setup", "keystone_credential_rotate", "keystone_credential_cleanup", "keystone_api", "keystone_domain_manage", "dep_check", "image_repo_sync"],
    glance: [...JOBS, "test", "glance_storage_init", "glance_metadefs_load", "glance_db_sync", "glance_api", "bootstrap"],
    placement: ["placement", "ks_user", "ks_service", "ks_endpoints", "db_init", "db_drop", "placement_db_sync", "dep_check", "image_repo_sync"],
    nova: [...JOBS, "bootstrap", "test", "nova_archive_deleted_rows", "nova_api", "nova_cell_setup", "nova_cell_setup_init", "nova_compute", "nova_compute_ironic", "nova_compute_ssh", "nova_conductor", "nova_db_sync", "nova_novncproxy", "nova_novncproxy_assets", "nova_scheduler", "nova_storage_init", "nova_service_cleaner", "nova_serialproxy", "nova_spiceproxy", "nova_spiceproxy_assets", "nova_wait_for_computes_init"],
    neutron: [...JOBS, "bootstrap", "test", "neutron_db_sync", "netoffload", "neutron_server", "neutron_rpc_server", "neutron_dhcp", "neutron_metadata", "neutron_ovn_agent", "neutron_ovn_metadata", "neutron_ovn_db_sync", "neutron_ovn_vpn", "neutron_l3", "neutron_l2gw", "neutron_openvswitch_agent", "neutron_sriov_agent", "neutron_sriov_agent_init", "neutron_bagpipe_bgp", "neutron_bgp_dragent", "neutron_ironic_agent_init", "neutron_ironic_agent", "neutron_netns_cleanup_cron"],
    cinder: [...JOBS, "test", "cinder_db_sync", "cinder_api", "bootstrap", "cinder_scheduler", "cinder_volume", "cinder_volume_usage_audit", "cinder_db_purge", "cinder_storage_init", "cinder_backup", "cinder_backup_storage_init"],
    horizon: ["db_init", "horizon_db_sync", "db_drop", "horizon", "test", "dep_check", "image_repo_sync"],
    heat: [...JOBS, "test", "bootstrap", "heat_db_sync", "heat_api", "heat_cfn", "heat_engine", "heat_engine_cleaner", "heat_purge_deleted"],
    barbican: [...JOBS, "bootstrap", "scripted_test", "barbican_db_sync", "barbican_api"],
    octavia: [...JOBS, "test", "bootstrap", "octavia_db_sync", "octavia_api", "octavia_driver_agent", "octavia_worker", "octavia_worker_init", "octavia_housekeeping", "octavia_health_manager", "octavia_health_manager_init", "openvswitch_vswitchd"],
    manila: [...JOBS, "bootstrap", "manila_db_sync", "manila_api", "manila_data", "manila_scheduler", "manila_share", "manila_db_purge"],
    mariadb: ["mariadb", "prometheus_create_mysql_user", "prometheus_mysql_exporter", "prometheus_mysql_exporter_helm_tests", "dep_check", "image_repo_sync", "mariadb_backup", "ks_user", "scripted_test", "mariadb_controller", "mariadb_db_controller"],
    rabbitmq: ["rabbitmq_init", "rabbitmq", "dep_check", "scripted_test", "rabbitmq_test", "image_repo_sync"],
    memcached: ["dep_check", "memcached", "image_repo_sync"],
    openvswitch: ["openvswitch_db_server", "openvswitch_vswitchd", "dep_check", "image_repo_sync"],
    libvirt: ["libvirt", "ceph_config_helper", "dep_check", "image_repo_sync", "kubectl"],
    "ceph-adapter-rook": ["ceph_config_helper", "dep_check", "image_repo_sync"],
    "local-storage": [],
};
/** The Rook charts' image settings at 1.17.7 (values.yaml): `repository`/`tag` pairs and whole references. */
const ROOK_IMAGE_PATHS: Record<string, string[]> = {
    "rook-ceph": ["image", "csi.cephcsi", "csi.registrar", "csi.provisioner", "csi.snapshotter", "csi.attacher", "csi.resizer"],
    "rook-ceph-cluster": ["cephClusterSpec.cephVersion.image", "toolbox.image"],
};

const get = (v: unknown, path: string): any => path.split(".").reduce<any>((o, k) => (o === undefined || o === null ? undefined : o[k]), v);
const MIRROR: Registry = { host: "mirror.example.net:5000", path: "site/osk" };

/** Every image reference a chart's values set, wherever they sit: `images.tags`, `repository`+`tag`, `image`. */
function imagesInValues(v: unknown, path = ""): string[] {
    if (!v || typeof v !== "object" || Array.isArray(v)) return [];
    const o = v as Values;
    const out: string[] = [];
    if (typeof o.repository === "string" && typeof o.tag === "string") out.push(`${o.repository}:${o.tag}`);
    for (const [k, child] of Object.entries(o)) {
        const here = path ? `${path}.${k}` : k;
        if (typeof child === "string" && (k === "image" || /(^|\.)images\.tags\.[^.]+$/.test(here))) out.push(child);
        else out.push(...imagesInValues(child, here));
    }
    return out;
}

/** A raw configuration with more secret keys set (as `pulumi config set --secret` would). */
function withSecrets(raw: ReturnType<typeof rawConfig>, extra: Record<string, string>): ReturnType<typeof rawConfig> {
    return { values: { ...raw.values, ...extra }, secretKeys: new Set([...raw.secretKeys, ...Object.keys(extra)]) };
}

function withMirror(stack: string, registry: Registry = MIRROR): Model {
    return model(stack, (v) => (v.site.registry = registry));
}

describe("image references", () => {
    it("reads registry, repository and pin the way container runtimes do", () => {
        assert.deepEqual(parseImage("rabbitmq:4.3.5"), { registry: "docker.io", repository: "library/rabbitmq", pin: ":4.3.5" });
        assert.deepEqual(parseImage("docker.io/xrally/xrally-openstack:2.0.0"), { registry: "docker.io", repository: "xrally/xrally-openstack", pin: ":2.0.0" });
        assert.deepEqual(parseImage("localhost:5000/a/b:1"), { registry: "localhost:5000", repository: "a/b", pin: ":1" });
        assert.deepEqual(parseImage("quay.io/ceph/ceph@sha256:abc"), { registry: "quay.io", repository: "ceph/ceph", pin: "@sha256:abc" });
        assert.throws(() => parseImage("quay.io/ceph/ceph"), /no tag or digest/);
    });

    it("moves only the registry part onto the mirror: repository and pinned tag stay", () => {
        assert.equal(mirrorImage("quay.io/airshipit/keystone:2026.1-ubuntu_noble", MIRROR), "mirror.example.net:5000/site/osk/airshipit/keystone:2026.1-ubuntu_noble");
        assert.equal(mirrorImage("docker.io/rabbitmq:4.3.5", { host: "r.example.net" }), "r.example.net/library/rabbitmq:4.3.5");
        assert.equal(mirrorImage("quay.io/a/b:1", undefined), "quay.io/a/b:1");
        assert.ok(fromMirror("mirror.example.net:5000/site/osk/x:1", MIRROR));
        assert.ok(!fromMirror("mirror.example.net:5000/other/x:1", MIRROR));
    });
});

describe("registry setting", () => {
    const problems = (edit: (v: Record<string, any>) => void, extra: Record<string, string> = {}) => {
        const result = validateConfig(withSecrets(rawConfig("dev", edit), extra));
        return result.ok ? [] : result.problems;
    };

    it("rejects a host with a scheme or a path, and a path with a leading slash, naming the key", () => {
        const p = problems((v) => (v.site.registry = { host: "https://registry.example.net/osk", path: "/osk" }));
        assert.deepEqual(p.map((x) => x.path).sort(), ["osk:site.registry.host", "osk:site.registry.path"]);
        assert.match(formatProblems(p), /registry host with an optional port/);
    });

    it("rejects an unknown key under site.registry", () => {
        const p = problems((v) => (v.site.registry = { host: "r.example.net", password: "x" }));
        assert.ok(p.some((x) => x.path.startsWith("osk:site.registry")), formatProblems(p));
    });

    it("needs the pull secret's password as a secret when a user is set, and refuses a password nothing uses", () => {
        const missing = problems((v) => (v.site.registry = { host: "r.example.net", username: "osk" }));
        assert.deepEqual(missing.map((x) => x.path), ["osk:registryPassword"]);
        assert.match(missing[0].message, /pulumi config set --secret osk:registryPassword/);
        const unused = problems(() => undefined, { registryPassword: "pull-secret-password" });
        assert.deepEqual(unused.map((x) => x.path), ["osk:registryPassword"]);
    });
});

describe("every chart's images from the mirror", () => {
    for (const stack of ["dev", "prod"]) {
        const m = withMirror(stack);
        for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) {
            it(`${stack}/${chart}: every upstream image key is set, on the mirror, tag unchanged`, () => {
                const v = siteChartValues(m, chart, (n) => `<${n}>`);
                const keys = UPSTREAM_IMAGE_KEYS[chart];
                if (keys) {
                    for (const key of keys) {
                        const ref = get(v, `images.tags.${key}`);
                        assert.equal(typeof ref, "string", `${chart}: images.tags.${key} is left at the chart's default`);
                        assert.ok(fromMirror(ref, MIRROR), `${chart}: images.tags.${key} = ${ref} is not on the mirror`);
                    }
                    assert.deepEqual(Object.keys(get(v, "images.tags") ?? {}).sort(), [...keys].sort(), `${chart}: images.tags has keys the chart does not have`);
                } else {
                    for (const path of ROOK_IMAGE_PATHS[chart]) {
                        const node = get(v, path);
                        const ref = typeof node === "string" ? node : `${node?.repository}:${node?.tag}`;
                        assert.ok(fromMirror(ref, MIRROR), `${chart}: ${path} = ${ref} is not on the mirror`);
                        assert.match(ref, /:v\d+\.\d+\.\d+$/, `${chart}: ${path} lost its pinned tag`);
                    }
                }
            });
        }
    }

    it("without a registry, the values set no image at all (the charts keep their own)", () => {
        const m = model("dev");
        for (const chart of chartsToDeploy(m.platform.storage.backend, m.openstack.services)) {
            assert.deepEqual(imagesInValues(siteChartValues(m, chart, (n) => n)), [], chart);
        }
    });

    it("a pull-secret user turns on the charts' registry secret for the mirror's host and port", () => {
        const raw = rawConfig("dev", (v) => (v.site.registry = { host: "mirror.example.net:5000", username: "osk" }));
        const result = validateConfig(withSecrets(raw, { registryPassword: "pull-secret-password" }));
        assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
        const m = result.model;
        const reg = get(siteChartValues(m, "keystone", (n) => `<${n}>`), "endpoints.oci_image_registry");
        assert.deepEqual(reg, {
            auth: { enabled: true, keystone: { username: "osk", password: "<image-registry>" } },
            host_fqdn_override: { default: "mirror.example.net" },
            port: { registry: { default: 5000 } },
        });
    });
});

describe("a mirror that needs a login: the Rook charts' pull secret", () => {
    const LOGIN: Registry = { host: "mirror.example.net:5000", username: "osk" };

    it("is a .dockerconfigjson for the mirror's host, and needs a user", () => {
        const doc = JSON.parse(dockerConfigJson(LOGIN, "pull-secret-password"));
        assert.deepEqual(doc, { auths: { "mirror.example.net:5000": { username: "osk", password: "pull-secret-password", auth: Buffer.from("osk:pull-secret-password").toString("base64") } } });
        assert.throws(() => dockerConfigJson({ host: "mirror.example.net" }, "x"), /needs site\.registry\.username/);
    });

    it("is named in both Rook charts' values with a user, and in neither without one", () => {
        const checked = validateConfig(withSecrets(rawConfig("prod", (v) => (v.site.registry = LOGIN)), { registryPassword: "pull-secret-password" }));
        assert.ok(checked.ok, checked.ok ? "" : formatProblems(checked.problems));
        const withLogin = checked.model;
        for (const chart of ["rook-ceph", "rook-ceph-cluster"]) {
            assert.deepEqual(get(siteChartValues(withLogin, chart, (n) => n), "imagePullSecrets"), [{ name: PULL_SECRET_NAME }], chart);
            assert.equal(get(siteChartValues(withMirror("prod"), chart, (n) => n), "imagePullSecrets"), undefined, chart);
        }
    });

    describe("prod under mocks", () => {
        let run: RunResult;
        before(async function () {
            this.timeout(120_000); // the whole prod program under mocks, on a busy machine
            run = await runStack("prod", { edit: (v) => (v.site.registry = LOGIN), secrets: { registryPassword: "pull-secret-password" } });
        });

        it("puts one in each Rook namespace, its content a secret, before the Rook releases", () => {
            const pull = run.ofType("kubernetes:core/v1:Secret").filter((r) => r.inputs.metadata?.name === PULL_SECRET_NAME && r.name.startsWith("platform-"));
            assert.deepEqual(pull.map((r) => r.inputs.metadata.namespace).sort(), ["ceph", "rook-ceph"]);
            for (const r of pull) {
                assert.equal(r.inputs.type, "kubernetes.io/dockerconfigjson");
                assert.equal(JSON.parse(r.inputs.stringData[".dockerconfigjson"]).auths["mirror.example.net:5000"].password, "pull-secret-password");
                assert.ok(!plainStrings(r.wire).some((x) => x.includes("pull-secret-password")), `${r.name}: the password is sent to the engine as a secret`);
            }
            for (const release of ["platform-rook-ceph", "platform-rook-ceph-cluster"]) {
                assert.ok(pull.every((p) => run.byName(release).dependsOn.includes(p.name)), `${release} waits for the pull secrets`);
            }
        });

        it("has containerd on every host log in to the mirror, the password only in the prepare steps' secret environment", () => {
            const prepares = run.ofType("osk:remote:Command").filter((r) => /-prepare-/.test(r.name));
            assert.ok(prepares.length > 0);
            for (const p of prepares) {
                assert.equal(p.inputs.secretEnvironment[REGISTRY_PASSWORD_ENV], "pull-secret-password", p.name);
                assert.match(p.inputs.create, /registry\.configs\."%s"\.auth\]\\n' 'mirror\.example\.net:5000'/);
                assert.match(p.inputs.create, /chmod 0600 \$conf/);
            }
            // Nowhere in plain: not in a script, an input or anything the engine is sent.
            for (const r of run.resources) assert.ok(!plainStrings(r.wire).some((x) => x.includes("pull-secret-password")), `${r.name} carries the password in plain`);
        });

        it("gives the tenant cluster's add-ons one too: every add-on pod names it, after it exists", () => {
            const secret = run.ofType("kubernetes:core/v1:Secret").find((r) => r.name === "tenant-addons-pull-secret")!;
            assert.equal(secret.inputs.metadata.namespace, "kube-system");
            assert.ok(!plainStrings(secret.wire).some((x) => x.includes("pull-secret-password")));
            const workloads = run.resources.filter((r) => r.parent === "tenant-addons" && /^kubernetes:apps\/v1:(Deployment|DaemonSet)$/.test(r.type));
            assert.ok(workloads.length >= 4, `${workloads.length} add-on workloads`);
            for (const w of workloads) {
                assert.deepEqual(w.inputs.spec.template.spec.imagePullSecrets, [{ name: PULL_SECRET_NAME }], w.name);
                assert.ok(w.dependsOn.includes(secret.name), `${w.name} waits for the pull secret`);
            }
        });
    });

    it("leaves the add-ons without one when the tenant names its own add-on registry, or the mirror needs no login", () => {
        assert.equal(tenantAddonPullSecret("tenant.example.net/k8s", LOGIN, "pw"), undefined);
        assert.equal(tenantAddonPullSecret(undefined, MIRROR, "pw"), undefined);
        assert.equal(tenantAddonPullSecret(undefined, LOGIN, undefined), undefined);
        const objs = [
            { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d" }, spec: { template: { spec: { containers: [] } } } },
            { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "s" } },
        ];
        const [ds, sa] = withPullSecret(objs, PULL_SECRET_NAME);
        assert.deepEqual((ds.spec as any).template.spec, { containers: [], imagePullSecrets: [{ name: PULL_SECRET_NAME }] });
        assert.equal(sa, objs[1]);
        assert.equal((objs[0] as any).spec.template.spec.imagePullSecrets, undefined, "the input is left as it was");
    });
});

describe("the tenant instances' Kubernetes packages from the site's package mirror", () => {
    const REPO = "https://mirror.example.net/k8s/deb/";
    const tenantModel = (repo: unknown) => validateConfig(withSecrets(rawConfig("prod", (v) => (v.tenant.packages = { kubernetesRepository: repo })), {}));

    it("tenant.packages.kubernetesRepository is where the instances install kubelet, kubeadm and kubectl from, and the artifact list says so", () => {
        const result = tenantModel(REPO);
        assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
        const t = result.model.tenant;
        if (!t.enabled) throw new Error("prod has a tenant cluster");
        const tcp = tenantKubeadmConfig(t, tenantAddressPlan(t));
        assert.match(prepareScript(tcp), new RegExp(REPO.replace(/[.]/g, "\\.")));
        const listed = stackArtifacts("prod", result.model).packages.filter((p) => p.usedBy.includes("tenant-control-plane") && ["kubelet", "kubeadm", "kubectl"].includes(p.name));
        assert.deepEqual(listed.map((p) => p.source), [REPO, REPO, REPO]);
        // Without it, upstream's repository of the version, as before.
        const before = model("prod").tenant;
        if (!before.enabled) throw new Error("prod has a tenant cluster");
        assert.match(prepareScript(tenantKubeadmConfig(before, tenantAddressPlan(before))), /pkgs\.k8s\.io/);
    });

    it("refuses a repository that is not an http(s) URL, naming the key", () => {
        const result = tenantModel("ftp://mirror.example.net/k8s");
        assert.equal(result.ok, false);
        assert.ok(!result.ok && result.problems.some((p) => p.path === "osk:tenant.packages.kubernetesRepository"), result.ok ? "" : formatProblems(result.problems));
    });
});

describe("control plane and tenant add-ons from the mirror", () => {
    const m = withMirror("prod");
    const cp = m.controlPlane;
    if (cp.mode !== "kubeadm") throw new Error("prod is a kubeadm stack");

    it("kubeadm pulls from the mirror, containerd's sandbox image follows, the CNI manifest is rewritten and checked", () => {
        assert.equal(clusterConfiguration(cp, m.site).imageRepository, "mirror.example.net:5000/site/osk");
        assert.equal("imageRepository" in clusterConfiguration(cp, model("prod", (v) => delete v.site.registry).site), false);
        assert.match(prepareScript(cp, undefined, MIRROR), /sandbox_image.*mirror\.example\.net:5000\/site\/osk\/pause:3\.10/);
        const cni = cniScript(cp, MIRROR);
        assert.match(cni, /sed -E -i .*mirror\.example\.net:5000\/site\/osk\//);
        assert.match(cni, /are not on the mirror/);
        assert.doesNotMatch(cniScript(cp), /sed/);
    });

    it("the tenant's own add-on registry wins over the site's mirror, which wins over upstream", () => {
        assert.equal(tenantAddonRegistry("tenant.example.net/k8s", MIRROR), "tenant.example.net/k8s");
        assert.equal(tenantAddonRegistry(undefined, MIRROR), "mirror.example.net:5000/site/osk");
        assert.equal(tenantAddonRegistry(undefined, undefined), undefined);
    });
});

describe("./osk artifacts", () => {
    for (const stack of ["dev", "prod", "lab"]) {
        it(`${stack}: lists exactly the images the charts' values set, plus the control plane's and the add-ons', all from the mirror`, () => {
            const m = withMirror(stack);
            const a = stackArtifacts(stack, m);
            const fromCharts = new Set(chartsToDeploy(m.platform.storage.backend, m.openstack.services).flatMap((c) => imagesInValues(siteChartValues(m, c, (n) => n))));
            const listedForCharts = new Set(a.images.filter((i) => i.usedBy.some((u) => !u.includes("control-plane") && u !== "tenant-addons")).map((i) => i.pulled));
            assert.deepEqual([...listedForCharts].sort(), [...fromCharts].sort());
            for (const i of a.images) {
                assert.ok(fromMirror(i.pulled, MIRROR), `${i.pulled} (${i.usedBy.join(",")}) is not on the mirror`);
                assert.equal(i.pulled.slice(i.pulled.lastIndexOf(":")), i.source.slice(i.source.lastIndexOf(":")), `${i.source}: the tag changed`);
            }
        });
    }

    it("prod: the control plane's kubeadm images, Calico, the tenant's add-ons; every chart pinned with its source; the host packages", () => {
        const a = stackArtifacts("prod", withMirror("prod"));
        const pulled = a.images.map((i) => i.pulled);
        for (const ref of ["kube-apiserver:v1.33.4", "coredns:v1.12.0", "etcd:3.5.21-0", "pause:3.10", "calico/node:v3.30.3", "provider-os/k8s-keystone-auth:v1.33.0", "provider-os/cinder-csi-plugin:v1.33.0"]) {
            assert.ok(pulled.includes(`mirror.example.net:5000/site/osk/${ref}`), `missing ${ref}`);
        }
        assert.deepEqual(a.charts.find((c) => c.chart === "rook-ceph"), { chart: "rook-ceph", version: "1.17.7", source: "https://charts.rook.io/release" });
        assert.equal(a.charts.length, 18);
        assert.ok(a.packages.some((p) => p.name === "kubeadm" && p.version === "1.33.4-*" && p.source.startsWith("https://mirror.fra1.cloud.example.net/")));
        assert.ok(a.packages.some((p) => p.name === "keepalived"));
        assert.match(artifactTable(a), /^stack prod: \d+ images, 18 charts/);
    });

    it("without a registry every image is pulled from its source", () => {
        const a = stackArtifacts("dev", model("dev"));
        for (const i of a.images) assert.equal(i.pulled, i.source);
    });
});
