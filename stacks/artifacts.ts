// What a site must have on its own mirrors before the first `pulumi up`: every container image (the source
// reference and the one the site pulls), every chart with its exact version and source, and the host packages.
// Computed from the model with the same builders the releases and scripts use, so it cannot drift from them.
import { chartsToDeploy, imageInValues, type ChartImage } from "../components/charts";
import { cniImages, kubeadmImages } from "../components/cluster/images";
import { kubernetesRepository } from "../components/cluster/scripts";
import type { KubeadmConfig } from "../components/cluster/args";
import { mirrorPrefix } from "../components/core/registry";
import { OPENSTACK_IMAGES } from "../components/openstack/values";
import { PLATFORM_IMAGES } from "../components/platform/values";
import { tenantAddonRegistry } from "../components/tenant";
import { tenantAddressPlan } from "../components/tenant/addresses";
import { addonImages } from "../components/tenant/addons/images";
import { tenantKubeadmConfig } from "../components/tenant/kubeadm";
import { siteChartValues } from "./charts";
import type { Model } from "./config/model";

export interface ImageArtifact {
    /** Pinned reference at its source registry. */
    source: string;
    /** The reference the site pulls: on the mirror when the site has one, else the source. */
    pulled: string;
    /** What runs it: chart names, `control-plane`, `tenant-control-plane`, `tenant-addons`. */
    usedBy: string[];
}

export interface ChartArtifact {
    chart: string;
    version: string;
    /** Helm repository URL or local directory. */
    source: string;
}

export interface PackageArtifact {
    name: string;
    /** Exact version, or the distribution's when OSK takes whatever the host's release ships. */
    version: string;
    /** Where the hosts install it from. */
    source: string;
    usedBy: string[];
}

export interface Artifacts {
    stack: string;
    /** The site's mirror prefix, or empty when images come from their sources. */
    registry: string;
    images: ImageArtifact[];
    charts: ChartArtifact[];
    packages: PackageArtifact[];
}

/** The images of a chart, by chart name (platform and OpenStack charts). */
export function chartImages(chart: string): readonly ChartImage[] {
    const images = PLATFORM_IMAGES[chart] ?? OPENSTACK_IMAGES[chart];
    if (!images) throw new Error(`chart "${chart}" has no image list (PLATFORM_IMAGES or SERVICE_CHARTS)`);
    return images;
}

/** Every artifact of the stack. Throws when two sources would land on one mirrored reference. */
export function stackArtifacts(stack: string, m: Model): Artifacts {
    const images = new Map<string, ImageArtifact>();
    const add = (source: string, pulled: string, user: string) => {
        const seen = images.get(pulled);
        if (seen && seen.source !== source) throw new Error(`${seen.source} and ${source} would both be mirrored as ${pulled}`);
        if (seen) {
            if (!seen.usedBy.includes(user)) seen.usedBy.push(user);
        } else {
            images.set(pulled, { source, pulled, usedBy: [user] });
        }
    };
    const charts = chartsToDeploy(m.platform.storage.backend, m.openstack.services);
    for (const chart of charts) {
        // The values the release gets; placeholders for credentials (images never depend on them).
        const values = siteChartValues(m, chart, (n) => `<${n}>`);
        for (const img of chartImages(chart)) add(img.source, imageInValues(values, img) ?? img.source, chart);
    }
    const packages: PackageArtifact[] = [];
    const hostPackages = (cp: KubeadmConfig, user: string) => {
        const version = cp.kubernetesVersion.replace(/^v/, "");
        for (const name of ["kubelet", "kubeadm", "kubectl"]) packages.push({ name, version: `${version}-*`, source: kubernetesRepository(cp), usedBy: [user] });
        const distro = ["containerd", "apt-transport-https", "ca-certificates", "curl", "gpg", ...(cp.endpoint.type === "vip" ? ["haproxy", "keepalived"] : [])];
        for (const name of distro) packages.push({ name, version: "distribution", source: "the hosts' Debian/Ubuntu archive", usedBy: [user] });
    };
    const cp = m.controlPlane;
    if (cp.mode === "kubeadm") {
        for (const i of [...kubeadmImages(cp, m.site.registry), ...cniImages(cp, m.site.registry)]) add(i.source, i.pulled, "control-plane");
        hostPackages(cp, "control-plane");
    }
    const t = m.tenant;
    if (t.enabled) {
        if (t.infrastructure) {
            const tcp = tenantKubeadmConfig(t, tenantAddressPlan(t));
            for (const i of [...kubeadmImages(tcp, m.site.registry), ...cniImages(tcp, m.site.registry)]) add(i.source, i.pulled, "tenant-control-plane");
            hostPackages(tcp, "tenant-control-plane");
        }
        for (const i of addonImages(t, tenantAddonRegistry(t.addons.registry, m.site.registry))) add(i.source, i.pulled, "tenant-addons");
    }
    return {
        stack,
        registry: m.site.registry ? mirrorPrefix(m.site.registry) : "",
        images: [...images.values()].sort((a, b) => a.source.localeCompare(b.source) || a.pulled.localeCompare(b.pulled)),
        charts: charts
            .map((chart) => {
                const src = m.charts.sourceOverrides[chart] ?? m.charts.source;
                return { chart, version: m.charts.versions[chart], source: "repository" in src ? src.repository : src.directory };
            })
            .sort((a, b) => a.chart.localeCompare(b.chart)),
        packages,
    };
}

/** The artifact list as tables for people. */
export function artifactTable(a: Artifacts): string {
    const table = (head: string[], rows: string[][]) => {
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
        return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
    };
    return [
        `stack ${a.stack}: ${a.images.length} images, ${a.charts.length} charts, ${a.packages.length} host packages; mirror: ${a.registry || "(none: images pulled from their sources)"}`,
        "",
        table(["image (source)", "pulled as", "used by"], a.images.map((i) => [i.source, i.pulled, i.usedBy.join(",")])),
        "",
        table(["chart", "version", "source"], a.charts.map((c) => [c.chart, c.version, c.source])),
        "",
        table(["package", "version", "source", "used by"], a.packages.map((p) => [p.name, p.version, p.source, p.usedBy.join(",")])),
    ].join("\n");
}
