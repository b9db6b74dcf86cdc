import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { parseArgs } from "../core/validation";
import { nodeRolesSchema, resolveNodeRoles, type NodeRoles as ResolvedNodeRoles } from "./args";
import { nodeLabels } from "./labels";

export { nodeLabels, ROLE_LABEL_VALUE } from "./labels";
export { nodeRolesSchema, resolveNodeRoles, ROLE_LABELS, type NodeRoles as ResolvedNodeRoles, type NodeRolesConfig, type Role } from "./args";

export interface NodeRolesArgs {
    /** Which nodes carry which role (validated here; Open vSwitch defaults to every control-plane and compute node). */
    roles: ResolvedNodeRoles | z.input<typeof nodeRolesSchema>;
    /** The cluster to label. Required: default providers are disabled. */
    provider: k8s.Provider;
    /** Resources the labels wait for, e.g. the control plane's "all nodes Ready" gate. @default [] */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Labels nodes so openstack-helm charts place their pods: `openstack-control-plane`, `openstack-compute-node`,
 * `openvswitch`, plus site-specific labels. Server-side apply patches only these labels; everything else on the
 * Node stays owned by the kubelet, and a removed role removes its label.
 */
export class NodeRoles extends pulumi.ComponentResource {
    /** Labels applied per node name. */
    public readonly labels: pulumi.Output<Record<string, Record<string, string>>>;
    /** Names of the labelled nodes. */
    public readonly nodes: pulumi.Output<string[]>;

    constructor(name: string, args: NodeRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:cluster:NodeRoles", name, {}, opts);
        const plan = nodeLabels(resolveNodeRoles(parseArgs(nodeRolesSchema, args.roles, "args.roles", this, "NodeRoles")));
        for (const [node, labels] of Object.entries(plan)) {
            new k8s.core.v1.NodePatch(
                `${name}-${node}`,
                { metadata: { name: node, labels } },
                { parent: this, provider: args.provider, dependsOn: args.dependsOn },
            );
        }
        this.labels = pulumi.output(plan);
        this.nodes = pulumi.output(Object.keys(plan));
        this.registerOutputs({ labels: this.labels, nodes: this.nodes });
    }
}

