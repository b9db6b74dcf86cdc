// The tenant cluster's control-plane configuration, derived from the tenant section and its address plan, so the
// same kubeadm component that builds the site's cluster builds the tenant's on OpenStack instances.
import * as pulumi from "@pulumi/pulumi";
import { controlPlaneSchema, type KubeadmConfig } from "../cluster/args";
import type { TenantClusterConfig } from "./args";
import type { RenderOptions } from "../cluster/kubeadm";
import { addressAt, parseNetwork } from "../net/cidr";
import type { TenantAddressPlan } from "./addresses";
import { webhookApiServerArgs, webhookAuthorizationConfig, webhookKubeconfig } from "./addons/render";

/** Index of the webhook Service's fixed ClusterIP: inside the band the apiserver keeps for static addresses. */
const WEBHOOK_SERVICE_INDEX = 12;
export const APISERVER_PORT = 6443;
export const WEBHOOK_CONFIG_DIR = "/etc/kubernetes/keystone-auth";

/** The ClusterIP k8s-keystone-auth's Service gets, known before the cluster exists. */
export function webhookClusterIP(t: Pick<TenantClusterConfig, "network">): string {
    return addressAt(parseNetwork(t.network.services), WEBHOOK_SERVICE_INDEX);
}

/** kubeadm configuration of the tenant cluster: the Octavia VIP as its endpoint, the planned nodes, defaults filled. */
export function tenantKubeadmConfig(t: TenantClusterConfig, plan: TenantAddressPlan): KubeadmConfig {
    const parsed = controlPlaneSchema.parse({
        mode: "kubeadm",
        kubernetesVersion: t.kubernetesVersion,
        endpoint: { type: "loadBalancer", address: plan.apiVip, port: APISERVER_PORT },
        network: { nodes: t.network.nodes, pods: t.network.pods, services: t.network.services },
        cni: t.cni,
        ...t.kubeadm,
        ...(t.packages.kubernetesRepository ? { packages: { kubernetesRepository: t.packages.kubernetesRepository } } : {}),
        ssh: { user: t.ssh.user, ...(t.ssh.jumpHost ? { jumpHost: t.ssh.jumpHost } : {}) },
        masters: plan.masters,
        workers: plan.workers,
    });
    if (parsed.mode !== "kubeadm") throw new Error("unreachable: the tenant control plane is always kubeadm");
    return parsed;
}

/**
 * What every tenant node and apiserver gets beyond the defaults: kubelets wait for the external cloud controller,
 * and the apiservers authenticate and authorize Keystone tokens through the webhook, trusting its CA.
 */
export function tenantControlPlaneExtras(webhookUrl: string, caPem: pulumi.Input<string>): RenderOptions {
    const content = pulumi.output(caPem).apply((ca) => webhookKubeconfig(webhookUrl, ca));
    return {
        kubeletArgs: { "cloud-provider": "external" },
        apiServer: {
            args: webhookApiServerArgs(WEBHOOK_CONFIG_DIR),
            files: {
                [`${WEBHOOK_CONFIG_DIR}/authn.kubeconfig`]: content,
                [`${WEBHOOK_CONFIG_DIR}/authz.kubeconfig`]: content,
                [`${WEBHOOK_CONFIG_DIR}/authorization.yaml`]: webhookAuthorizationConfig(WEBHOOK_CONFIG_DIR),
            },
        },
    };
}
