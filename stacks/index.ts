// Program entry (Pulumi.yaml `main`). Validate first: a bad configuration fails here, before any resource.
import { buildStack } from "./compose";
import { loadModel } from "./config/load";

const outputs = buildStack(loadModel());

export const site = outputs.site;
export const profile = outputs.profile;
export const region = outputs.region;
export const kubeconfig = outputs.kubeconfig;
export const apiEndpoint = outputs.apiEndpoint;
export const masters = outputs.masters;
export const workers = outputs.workers;
export const nodeLabels = outputs.nodeLabels;
export const keystonePublicUrl = outputs.keystonePublicUrl;
export const keystoneInternalUrl = outputs.keystoneInternalUrl;
export const adminCloudsYaml = outputs.adminCloudsYaml;
export const catalogue = outputs.catalogue;
export const horizonUrl = outputs.horizonUrl;
export const tenantProjectId = outputs.tenantProjectId;
export const tenantApplicationCredentialId = outputs.tenantApplicationCredentialId;
export const tenantKubeconfig = outputs.tenantKubeconfig;
export const tenantApiEndpoint = outputs.tenantApiEndpoint;
export const tenantApiVip = outputs.tenantApiVip;
export const tenantStorageClasses = outputs.tenantStorageClasses;
export const tenantSnapshotClasses = outputs.tenantSnapshotClasses;
export const tenantWebhookUrl = outputs.tenantWebhookUrl;
