// The lab-ha stack's program: OSK's cluster layer alone, over the lab hosts (tools/lab/hosts). The ControlPlane and
// NodeRoles components with the names stacks/compose.ts gives them, from the same validated model; the layers
// above (platform, OpenStack) need images the lab hosts cannot pull, so this program stops at the cluster.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane } from "../../../../components/cluster";
import { NodeRoles } from "../../../../components/noderoles";
import { loadModel } from "../../../../stacks/config/load";

const model = loadModel();
if (model.controlPlane.mode !== "kubeadm") throw new pulumi.RunError("the lab-ha program builds a kubeadm control plane: set osk:controlPlane.mode to kubeadm");
const plane = new ControlPlane("cluster", { config: model.controlPlane, site: model.site, sshPrivateKey: model.secrets.sshPrivateKey! });
const provider = new k8s.Provider("site-k8s", { kubeconfig: plane.kubeconfig, enableServerSideApply: true });
new NodeRoles("roles", { roles: model.nodeRoles, provider, dependsOn: [plane] });

export const kubeconfig = plane.kubeconfig;
export const apiEndpoint = plane.apiEndpoint;
export const masters = plane.masters;
export const workers = plane.workers;
export const caCertHash = plane.caCertHash;
