// OSK as a library: the components another team's Pulumi program can use on their own, with their argument types.
// Each component validates its arguments in its constructor (a bad key fails before any child resource exists)
// and names an explicit provider for everything it creates.
//
//   import { ControlPlane, TenantCluster } from "osk";      // this repository as a dependency
//
// The stack program of this repository (stacks/) is one user of these components; examples/ has two more.

/** HA Kubernetes over SSH with kubeadm: 3-member stacked etcd, apiservers behind a VIP or load balancer. */
export { ControlPlane, type ControlPlaneArgs } from "./components/cluster";
export {
    controlPlaneSchema,
    existingClusterSchema,
    hostSchema,
    kubeadmSchema,
    type ControlPlaneConfig,
    type ExistingClusterConfig,
    type Host,
    type KubeadmConfig,
    type KubeadmConfigInput,
} from "./components/cluster/args";

/** Node labels that place OpenStack: openstack-control-plane, openstack-compute-node, openvswitch. */
export { NodeRoles, nodeLabels, type NodeRolesArgs } from "./components/noderoles";
export { nodeRolesSchema, resolveNodeRoles, ROLE_LABELS, type NodeRolesConfig } from "./components/noderoles/args";

/** The chart mechanism every Helm-deployed layer shares. */
export {
    chartsSchema,
    chartsToDeploy,
    deployPlan,
    planEdges,
    releaseArgs,
    type ChartsConfig,
    type ChartSite,
    type PlanSettings,
    type PlanStep,
    type ServiceName,
    type Values,
} from "./components/charts";

/** Storage, MariaDB/Galera, RabbitMQ, Memcached, Open vSwitch, libvirt and the public gateway. */
export { Credentials, Platform, platformValues, type CredentialsArgs, type PlatformArgs } from "./components/platform";
export { gatewaySchema, platformSchema, type GatewayConfig, type PlatformConfig, type PlatformSettings } from "./components/platform/args";

/** The OpenStack services from openstack-helm. */
export { OpenStack, OpenStackService, serviceValues, type OpenStackArgs, type OpenStackServiceArgs } from "./components/openstack";
export { neutronSchema, openstackSchema, type NeutronConfig, type OpenStackConfig, type OpenStackSettings } from "./components/openstack/args";

/** Kubernetes on OpenStack: project, network, instances, load balancer, control plane, in-cluster add-ons. */
export { TenantCluster, type KeystoneConnection, type TenantClusterArgs } from "./components/tenant";
export { tenantClusterSchema, type PolicyRule, type TenantClusterConfig, type TenantClusterInput } from "./components/tenant/args";

/** Shared building blocks. */
export { PROFILES, SecretValue, siteSchema, type Profile, type Site } from "./components/core";
