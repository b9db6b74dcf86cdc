// Kubernetes on an OpenStack the team already has, and nothing else: a project with a service user and its
// application credential in Keystone, the network, instances and Octavia load balancer, kubeadm on the instances
// with the external cloud provider and the Keystone webhook, and the cloud controller, Cinder CSI and
// k8s-keystone-auth inside, all from OSK's TenantCluster.
import * as pulumi from "@pulumi/pulumi";
import { TenantCluster, type TenantClusterInput } from "../../index";

interface Cloud {
    /** Keystone v3 URL. */
    authUrl: string;
    region: string;
    /** An admin-capable user; its password is the secret `cloudPassword`. */
    username: string;
    projectName: string;
}

const config = new pulumi.Config();
const cloud = config.requireObject<Cloud>("cloud");
const cluster = new TenantCluster("team-a", {
    tenant: config.requireObject<TenantClusterInput>("tenant"),
    profile: "prod",
    connection: { authUrl: cloud.authUrl, username: cloud.username, password: config.requireSecret("cloudPassword"), projectName: cloud.projectName },
    region: cloud.region,
    sshPrivateKey: config.requireSecret("sshPrivateKey"),
});

export const projectId = cluster.projectId;
/** Admin kubeconfig of the tenant cluster (secret). */
export const kubeconfig = cluster.kubeconfig;
export const apiEndpoint = cluster.apiEndpoint;
export const storageClasses = cluster.storageClasses;
