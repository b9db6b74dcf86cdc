// Checks the OSK lab stand-in charts (test fixtures, see README.md) as packaged by package.sh: the index lists
// every chart, each archive lints, and each renders what the lab relies on for OSK's values.
//
//   node test/lab/charts/check.mjs <repo-dir> [values-dir ...]
//
// <repo-dir> is package.sh's output. Each values dir holds `<chart>.yaml` files of values OSK passes (default: the
// committed snapshots test/unit/openstack/snapshots/{dev,prod}); every chart is also rendered with its defaults.
// Expected names and ports of the OpenStack APIs come from components/openstack/catalog.ts (read through
// ts-node), the rest from the lab spec below. Prints one line per render with object counts per kind; exits 1
// on any failure. Needs helm on PATH (or HELM=...) and the project's node_modules (yaml, ts-node).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const VERSION = "2026.1.0-lab.1";
const NEXT_VERSION = "2026.1.0-lab.2";
const NS = "openstack";
const CP = "openstack-control-plane";
const CN = "openstack-compute-node";
const OVS = "openvswitch";

const args = process.argv.slice(2);
if (args.length < 1) {
    console.error("usage: check.mjs <repo-dir> [values-dir ...]");
    process.exit(2);
}
const repo = resolve(args[0]);
const valuesDirs = args.length > 1 ? args.slice(1).map((d) => resolve(d)) : ["dev", "prod"].map((s) => join(ROOT, "test/unit/openstack/snapshots", s));
const helm = process.env.HELM || (commandExists("helm") ? "helm" : join(process.env.OSK_CACHE || join(process.env.HOME, ".cache/osk"), "k8s-1.33.4/bin/helm"));

function commandExists(c) {
    try {
        execFileSync("sh", ["-c", `command -v ${c}`], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

const SERVICE_CHARTS = JSON.parse(
    execFileSync(join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", "-e", 'process.stdout.write(JSON.stringify(require("./components/openstack/catalog").SERVICE_CHARTS))'], { cwd: ROOT, encoding: "utf8" }),
);

// Workloads beyond the catalog's first API: name -> [kind, pod.replicas key | null, labels path, default node label, budget key].
const W = (kind, replicas, labels, defaultKey = CP, pdb = undefined) => ({ kind, replicas, labels, defaultKey, pdb });
const WORKLOADS = {
    keystone: {},
    glance: {},
    placement: {},
    nova: {
        "nova-novncproxy": W("Deployment", "novncproxy", "novncproxy"),
        "nova-api-metadata": W("Deployment", "api_metadata", "api_metadata", CP, "metadata"),
        "nova-conductor": W("Deployment", "conductor", "conductor"),
        "nova-scheduler": W("Deployment", "scheduler", "scheduler"),
        "nova-compute": W("DaemonSet", null, "agent.compute", CN),
    },
    neutron: {
        "neutron-rpc-server": W("Deployment", "rpc_server", "server"),
        "neutron-ovs-agent": W("DaemonSet", null, "ovs", OVS),
        "neutron-dhcp-agent": W("DaemonSet", null, "agent.dhcp"),
        "neutron-l3-agent": W("DaemonSet", null, "agent.l3"),
        "neutron-metadata-agent": W("DaemonSet", null, "agent.metadata"),
    },
    horizon: {},
    cinder: { "cinder-scheduler": W("Deployment", "scheduler", "scheduler"), "cinder-volume": W("Deployment", "volume", "volume") },
    heat: { "heat-cfn": W("Deployment", "cfn", "cfn", CP, "cfn"), "heat-engine": W("Deployment", "engine", "engine") },
    barbican: {},
    octavia: {
        "octavia-worker": W("Deployment", "worker", "worker"),
        "octavia-driver-agent": W("Deployment", "driver_agent", "driver_agent"),
        "octavia-health-manager": W("DaemonSet", null, "health_manager"),
    },
    manila: { "manila-scheduler": W("Deployment", "scheduler", "scheduler"), "manila-share": W("Deployment", "share", "share") },
    mariadb: { "mariadb-server": W("StatefulSet", "server", "server", CP, "mariadb"), "mariadb-controller": W("Deployment", "controller", "server") },
    rabbitmq: { "rabbitmq-rabbitmq": W("StatefulSet", "server", "server") },
    memcached: { "memcached-memcached": W("StatefulSet", "server", "server") },
    openvswitch: { openvswitch: W("DaemonSet", null, "ovs", OVS) },
    libvirt: { "libvirt-libvirt-default": W("DaemonSet", null, "agent.libvirt", CN) },
    "local-storage": {},
    "ceph-adapter-rook": {},
};
const STD_JOBS = { "db-init": -5, "db-sync": -4, "ks-service": -3, "ks-endpoints": -2, "ks-user": -1 };
const JOBS = {
    keystone: { "db-init": -5, "db-sync": -4, bootstrap: 5 },
    horizon: { "db-init": -5, "db-sync": -4 },
    rabbitmq: { "cluster-wait": 0 },
};
const CHARTS = Object.keys(WORKLOADS);
// Charts whose real templates read no pod.priorityClassName: OSK patches the class in after the release.
const NO_PRIORITY_KEY = ["mariadb", "rabbitmq", "memcached", "libvirt"];
const RELEASE = { "local-storage": "general" };
const CLUSTER_SCOPED = new Set(["StorageClass", "PersistentVolume"]);

const get = (o, path) => path.split(".").reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);
const credentialLike = (s) => /^(<secret:|lab-secret-|lab-default-)/.test(s);
function credentials(v, out = new Set()) {
    if (typeof v === "string" && credentialLike(v)) out.add(v);
    else if (v && typeof v === "object") for (const x of Object.values(v)) credentials(x, out);
    return out;
}
const selectorOf = (values, path, defaultKey) => {
    const l = get(values.labels, path) ?? {};
    return { [l.node_selector_key ?? defaultKey]: String(l.node_selector_value ?? "enabled") };
};
const canonical = (v) => (Array.isArray(v) ? v.map(canonical) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

let failures = 0;
function check(ok, where, msg) {
    if (!ok) {
        failures++;
        console.log(`  FAIL ${where}: ${msg}`);
    }
}

// ---- the repository index -------------------------------------------------------------------------------------
const index = parse(readFileSync(join(repo, "index.yaml"), "utf8"));
for (const c of CHARTS) {
    const e = index.entries?.[c];
    // glance is also published at the next version, for the upgrade and rollback proof (package.sh).
    const versions = (e ?? []).map((x) => x.version).sort();
    check(versions.join() === (c === "glance" ? [VERSION, NEXT_VERSION] : [VERSION]).join() && e.every((x) => x.apiVersion === "v2"), "index.yaml", `${c}: ${versions.join(", ")} listed`);
    check(e?.[0]?.dependencies?.some((d) => d.name === "osk-lab-lib"), "index.yaml", `${c} depends on osk-lab-lib`);
}
console.log(`index.yaml: ${Object.keys(index.entries ?? {}).length} charts (${Object.keys(index.entries ?? {}).sort().join(", ")})`);

// ---- each chart, with its defaults and with each values file ------------------------------------------------------
for (const chart of CHARTS) {
    const tgz = join(repo, `${chart}-${VERSION}.tgz`);
    const sets = [["defaults", null], ...valuesDirs.map((d) => [d.split("/").slice(-1)[0], join(d, `${chart}.yaml`)]).filter(([, f]) => existsSync(f))];
    for (const [label, file] of sets) {
        const where = `${chart}[${label}]`;
        const vf = file ? ["-f", file] : [];
        const values = file ? parse(readFileSync(file, "utf8")) ?? {} : parse(execFileSync(helm, ["show", "values", tgz], { encoding: "utf8" })) ?? {};
        try {
            execFileSync(helm, ["lint", "--strict", tgz, ...vf], { encoding: "utf8", stdio: "pipe" });
        } catch (e) {
            check(false, where, `helm lint: ${e.stdout}${e.stderr}`);
        }
        let out;
        try {
            out = execFileSync(helm, ["template", RELEASE[chart] ?? chart, tgz, "-n", NS, ...vf], { encoding: "utf8", stdio: "pipe" });
        } catch (e) {
            check(false, where, `helm template: ${e.stderr}`);
            continue;
        }
        const objs = parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
        checkChart(chart, where, values, objs);
        const counts = {};
        for (const o of objs) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
        console.log(`${where.padEnd(30)} ${String(objs.length).padStart(3)} objects: ${Object.entries(counts).sort().map(([k, n]) => `${k}=${n}`).join(" ")}`);
    }
}

function checkChart(chart, where, values, objs) {
    const find = (kind, name) => objs.find((o) => o.kind === kind && o.metadata?.name === name);
    const ofKind = (kind) => objs.filter((o) => o.kind === kind);
    // Pods name the images OSK gives in images.tags; without any, the lab's own placeholder.
    const tags = Object.values(values.images?.tags ?? {});
    const imageOk = (img) => (tags.length > 0 ? tags.includes(img) : img === `registry.invalid/osk-lab/${chart}:lab`);
    const release = RELEASE[chart] ?? chart;

    // every object: the lab labels, the release namespace (namespaced kinds), unique names
    const seen = new Set();
    for (const o of objs) {
        const id = `${o.kind}/${o.metadata?.name}`;
        check(!seen.has(id), where, `${id} rendered twice`);
        seen.add(id);
        check(o.metadata?.labels?.["app.kubernetes.io/managed-by"] === "Helm" && o.metadata?.labels?.["osk.lab/chart"] === chart, where, `${id} lacks the lab labels`);
        if (!CLUSTER_SCOPED.has(o.kind)) check(o.metadata?.namespace === NS, where, `${id} namespace ${o.metadata?.namespace}`);
        for (const c of o.spec?.template?.spec?.containers ?? []) check(imageOk(c.image), where, `${id} image ${c.image}`);
    }

    // A key OSK leaves to an HPA (empty) renders `replicas: null`, as the real charts do (the release's post-renderer
    // removes it); a missing one keeps the lab default 1.
    const replicasOf = (key) => {
        const v = values.pod?.replicas?.[key];
        return v === null || v === "" ? null : (v ?? 1);
    };

    // resources and priority: every container of every pod has requests and limits when the values enable them
    // (the init container excepted: it has none, as helm-toolkit's has none; Jobs where the values size them); a pod's class is one the values give,
    // and never in the charts whose real templates read no pod.priorityClassName
    const classes = new Set(Object.values(values.pod?.priorityClassName ?? {}));
    for (const o of objs.filter((x) => x.spec?.template?.spec)) {
        const ps = o.spec.template.spec;
        const id = `${o.kind}/${o.metadata.name}`;
        // Jobs: those the values size (a Job the real chart renders without a resources key has none).
        const sized = o.kind !== "Job" || get(values.pod?.resources?.jobs, o.metadata.name.slice(chart.length + 1).replace(/-/g, "_")) !== undefined;
        if (values.pod?.resources?.enabled && o.metadata.name !== `${chart}-images` && sized) {
            for (const c of ps.containers) check(c.resources?.requests?.cpu && c.resources?.limits?.memory, where, `${id} container ${c.name} without resources`);
        }
        for (const c of ps.initContainers ?? []) check(!c.resources, where, `${id} init container ${c.name} has resources`);
        if (ps.priorityClassName) check(classes.has(ps.priorityClassName) && !NO_PRIORITY_KEY.includes(chart), where, `${id} priorityClassName ${ps.priorityClassName}`);
        if (o.kind !== "Job" && classes.size > 0 && !NO_PRIORITY_KEY.includes(chart)) check(ps.priorityClassName, where, `${id} has no priorityClassName though the values give classes`);
    }

    // workloads: replicas, node selectors, PVC classes
    const expectWorkload = (name, w) => {
        const o = find(w.kind, name);
        check(o, where, `${w.kind} ${name} missing`);
        if (!o) return;
        if (w.replicas) check(o.spec.replicas === replicasOf(w.replicas), where, `${name} replicas ${o.spec.replicas}`);
        check(same(o.spec.template.spec.nodeSelector, selectorOf(values, w.labels, w.defaultKey)), where, `${name} nodeSelector ${JSON.stringify(o.spec.template.spec.nodeSelector)}`);
        for (const t of o.spec.volumeClaimTemplates ?? []) check(t.spec.storageClassName === (values.volume?.class_name ?? "general"), where, `${name} claim class ${t.spec.storageClassName}`);
        if (w.kind === "StatefulSet") check((o.spec.volumeClaimTemplates ?? []).length === (chart === "memcached" ? 0 : 1), where, `${name} claim templates`);
        const tl = o.spec.template.metadata.labels;
        check(Object.entries(o.spec.selector.matchLabels).every(([k, v]) => tl[k] === v), where, `${name} selector does not match its pods`);
    };
    const budgets = { ...Object.fromEntries(Object.entries(values.pod?.lifecycle?.disruption_budget ?? {}).map(([k, b]) => [k, b?.min_available ?? 0])) };
    const expectBudget = (key, workload) => {
        const min = budgets[key] ?? 0;
        const pdb = find("PodDisruptionBudget", workload.metadata.name);
        if (min > 0) {
            check(pdb?.spec.minAvailable === min, where, `PDB ${workload.metadata.name} minAvailable ${pdb?.spec.minAvailable}, want ${min}`);
            if (pdb) check(Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => workload.spec.template.metadata.labels[k] === v), where, `PDB ${key} does not select ${workload.metadata.name}`);
        } else check(!pdb, where, `PDB ${workload.metadata.name} rendered with min_available ${min}`);
    };
    for (const [name, w] of Object.entries(WORKLOADS[chart])) {
        expectWorkload(name, w);
        if (w.pdb && find(w.kind, name)) expectBudget(w.pdb, find(w.kind, name));
    }

    const svc = SERVICE_CHARTS[chart];
    if (svc) {
        // one Deployment + Service per public API, named and numbered as in the catalog
        svc.endpoints.forEach((ep, i) => {
            const s = find("Service", ep.service);
            check(s?.spec.ports?.[0]?.port === ep.port, where, `Service ${ep.service} port ${s?.spec.ports?.[0]?.port}, want ${ep.port}`);
            const d = find("Deployment", ep.service);
            check(d, where, `Deployment ${ep.service} missing`);
            if (s && d) check(Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v), where, `Service ${ep.service} does not select its Deployment`);
            if (i === 0 && d) {
                const key = svc.replicas[0];
                check(d.spec.replicas === replicasOf(key), where, `${ep.service} replicas ${d.spec.replicas}`);
                const placed = Object.keys(svc.placement).find((p) => p !== "job" && !p.startsWith("agent.") && p !== "ovs");
                check(same(d.spec.template.spec.nodeSelector, selectorOf(values, placed, CP)), where, `${ep.service} nodeSelector`);
                const pdbKey = svc.disruptionBudgets[0];
                expectBudget(pdbKey, d);
            }
        });
        // every budget key above 0 has its PDB; no others
        const wanted = Object.values(budgets).filter((m) => m > 0).length;
        check(ofKind("PodDisruptionBudget").length === wanted, where, `${ofKind("PodDisruptionBudget").length} PDBs, want ${wanted}`);
        check(find("Secret", `${chart}-etc`), where, `Secret ${chart}-etc missing`);
    }

    // hook Jobs: exactly the expected ones, with the exact hook annotations
    const jobs = svc ? (JOBS[chart] ?? STD_JOBS) : (JOBS[chart] ?? {});
    // The images Job names every images.tags entry once; the other Jobs are the hooks.
    const imagesJob = find("Job", `${chart}-images`);
    check(tags.length === 0 ? !imagesJob : imagesJob?.spec.template.spec.containers.map((c) => c.image).sort().join() === [...tags].sort().join(), where, `Job ${chart}-images does not name exactly the images.tags entries`);
    const hookJobs = ofKind("Job").filter((j) => j.metadata.name !== `${chart}-images`);
    check(hookJobs.length === Object.keys(jobs).length, where, `${hookJobs.length} hook Jobs, want ${Object.keys(jobs).length}`);
    for (const [suffix, weight] of Object.entries(jobs)) {
        const j = find("Job", `${chart}-${suffix}`);
        check(j, where, `Job ${chart}-${suffix} missing`);
        if (!j) continue;
        const a = j.metadata.annotations ?? {};
        check(a["helm.sh/hook"] === "post-install,post-upgrade" && a["helm.sh/hook-weight"] === String(weight) && a["helm.sh/hook-delete-policy"] === "before-hook-creation", where, `Job ${j.metadata.name} annotations ${JSON.stringify(a)}`);
        check(j.spec.backoffLimit === 6 && j.spec.template.spec.restartPolicy === "OnFailure", where, `Job ${j.metadata.name} backoffLimit/restartPolicy`);
        check(same(j.spec.template.spec.nodeSelector, selectorOf(values, "job", CP)), where, `Job ${j.metadata.name} nodeSelector`);
    }

    // credentials: all in the chart's etc Secret, none in any ConfigMap
    const creds = credentials(values.endpoints ?? {});
    for (const c of credentials(values.conf ?? {})) creds.add(c);
    const etc = find("Secret", `${chart}-etc`);
    const etcText = etc ? Object.values(etc.data ?? {}).map((b) => Buffer.from(b, "base64").toString("utf8")).join("\n") : "";
    for (const c of creds) check(etcText.includes(c), where, `credential ${c} not in Secret ${chart}-etc`);
    for (const cm of ofKind("ConfigMap")) {
        const text = JSON.stringify(cm.data ?? {});
        for (const c of creds) check(!text.includes(c), where, `ConfigMap ${cm.metadata.name} holds a credential`);
        check(!/password/i.test(text), where, `ConfigMap ${cm.metadata.name} mentions a password`);
    }

    // extraObjects: every entry rendered, namespaced
    const extras = Object.values(values.extraObjects ?? {});
    for (const x of extras) {
        const o = find(x.kind, x.metadata.name);
        check(o && o.metadata.namespace === (x.metadata.namespace ?? NS) && same(o.spec, x.spec), where, `extraObject ${x.kind}/${x.metadata.name}`);
    }

    // chart specifics
    if (chart === "mariadb") {
        check(find("Service", "mariadb") && find("Service", "mariadb-server"), where, "Services mariadb and mariadb-server");
    }
    if (chart === "rabbitmq") {
        const ss = find("StatefulSet", `${release}-rabbitmq`);
        check(same(ss?.spec.template.metadata.labels && { a: ss.spec.template.metadata.labels.application, c: ss.spec.template.metadata.labels.component, r: ss.spec.template.metadata.labels.release_group }, { a: "rabbitmq", c: "server", r: release }), where, "rabbitmq pod labels");
        check(find("Service", "rabbitmq") && ss?.spec.serviceName === "rabbitmq", where, "Service rabbitmq governs the StatefulSet");
    }
    if (chart === "memcached") check(find("Service", "memcached"), where, "Service memcached");
    if (chart === "local-storage") {
        const sc = find("StorageClass", release);
        check(sc?.provisioner === "kubernetes.io/no-provisioner" && sc?.volumeBindingMode === "WaitForFirstConsumer", where, `StorageClass ${release}`);
        const pvs = values.conf?.persistent_volumes ?? [];
        check(ofKind("PersistentVolume").length === pvs.length, where, `${ofKind("PersistentVolume").length} PVs, want ${pvs.length}`);
        const aff = values.labels?.node_affinity ?? {};
        for (const p of pvs) {
            const pv = find("PersistentVolume", p.name);
            const term = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0];
            check(
                pv && pv.spec.capacity.storage === p.storage_capacity && same(pv.spec.accessModes, p.access_modes) && pv.spec.local.path === p.local_path && pv.spec.persistentVolumeReclaimPolicy === p.reclaim_policy && pv.spec.storageClassName === release && term?.key === (aff.node_selector_key ?? CP) && same(term?.values, [String(aff.node_selector_value ?? "enabled")]),
                where,
                `PV ${p.name}`,
            );
        }
    }
    if (chart === "ceph-adapter-rook") check(find("ConfigMap", "ceph-etc") && find("Secret", "pvc-ceph-client-key"), where, "ceph-etc and pvc-ceph-client-key");
}

console.log(failures ? `FAILED: ${failures} check(s)` : "all checks passed");
process.exit(failures ? 1 : 0);
