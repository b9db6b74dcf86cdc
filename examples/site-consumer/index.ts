// Another team's program: it knows nothing of OSK's code, only its output contract (docs/outputs.md). It reads one
// site's outputs through a StackReference on the shared backend and deploys into that site's cluster: a namespace,
// the site's public facts in a ConfigMap, and the admin clouds.yaml in a Secret (it is a secret output, so it stays one).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const site = new pulumi.StackReference(config.require("site"));

// requireOutput: a renamed or missing output fails this program's preview, not a deploy later.
const kubeconfig = site.requireOutput("kubeconfig") as pulumi.Output<string>;
const siteName = site.requireOutput("site") as pulumi.Output<string>;
const region = site.requireOutput("region") as pulumi.Output<string>;
const apiEndpoint = site.requireOutput("apiEndpoint") as pulumi.Output<string>;
const keystoneUrl = site.requireOutput("keystonePublicUrl") as pulumi.Output<string>;
const catalogue = site.requireOutput("catalogue") as pulumi.Output<Record<string, { public: string; internal: string }>>;
const storageClasses = site.requireOutput("tenantStorageClasses") as pulumi.Output<string[]>;
const cloudsYaml = site.requireOutput("adminCloudsYaml") as pulumi.Output<string>;

const provider = new k8s.Provider("site", { kubeconfig, enableServerSideApply: true });
const ns = new k8s.core.v1.Namespace("apps", { metadata: { name: config.get("namespace") ?? "team-apps" } }, { provider });
const facts = new k8s.core.v1.ConfigMap("site-facts", {
    metadata: { namespace: ns.metadata.name, name: "osk-site" },
    data: {
        site: siteName,
        region,
        apiEndpoint,
        keystone: keystoneUrl,
        image: catalogue.apply((c) => c.image?.internal ?? ""),
        storageClasses: storageClasses.apply((s) => JSON.stringify(s)),
    },
}, { provider });
const clouds = new k8s.core.v1.Secret("site-clouds", {
    metadata: { namespace: ns.metadata.name, name: "osk-clouds" },
    stringData: { "clouds.yaml": cloudsYaml },
}, { provider });

export const namespace = ns.metadata.name;
export const factsConfigMap = facts.metadata.name;
export const cloudsSecret = clouds.metadata.name;
export const consumedSite = siteName;
export const consumedKeystone = keystoneUrl;
/** The class a volume of this team gets without asking: the site's default (listed first), or none. */
export const defaultStorageClass = storageClasses.apply((s) => s[0] ?? "");
