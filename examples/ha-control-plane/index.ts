// An HA Kubernetes control plane and nothing else: 3 masters with stacked etcd behind a keepalived VIP, built with
// kubeadm over SSH by OSK's ControlPlane. The component validates its arguments and applies its defaults (pod and
// service networks, kubelet reservations, SSH port), so the stack file says only what is particular to the site.
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane, type KubeadmConfigInput, type Site } from "../../index";

const config = new pulumi.Config();
const plane = new ControlPlane("edge", {
    site: config.requireObject<Site>("site"),
    config: config.requireObject<KubeadmConfigInput>("controlPlane"),
    sshPrivateKey: config.requireSecret("sshPrivateKey"),
});

/** Admin kubeconfig (secret). */
export const kubeconfig = plane.kubeconfig;
/** The one API address every client and node uses. */
export const apiEndpoint = plane.apiEndpoint;
export const masters = plane.masters;
