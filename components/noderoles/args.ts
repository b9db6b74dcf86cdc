// Which nodes carry which OpenStack role: the schema the stack configuration embeds as `osk:nodeRoles`, and the
// resolved form the component labels nodes from.
import { z } from "zod";
import { dnsLabel, labelKey, labelValue } from "../core/fields";

/** The labels openstack-helm charts select on, per role. */
export const ROLE_LABELS = {
    controlPlane: "openstack-control-plane",
    compute: "openstack-compute-node",
    openvswitch: "openvswitch",
} as const;
export type Role = keyof typeof ROLE_LABELS;

export const nodeRolesSchema = z.strictObject({
    /** Nodes labelled `openstack-control-plane=enabled` (APIs, agents, jobs, MariaDB, RabbitMQ). */
    controlPlane: z.array(dnsLabel).min(1, "needs at least one node"),
    /** Nodes labelled `openstack-compute-node=enabled` (libvirt, nova-compute). @default [] */
    compute: z.array(dnsLabel).default([]),
    /** Nodes labelled `openvswitch=enabled`. @default every control-plane and compute node */
    openvswitch: z.array(dnsLabel).optional(),
    /** Extra labels per node name. @default {} */
    custom: z.record(dnsLabel, z.record(labelKey, labelValue)).default({}),
});
export type NodeRolesConfig = z.infer<typeof nodeRolesSchema>;

export interface NodeRoles {
    /** Node names per role; `openvswitch` already defaulted to control-plane + compute nodes. */
    readonly controlPlane: readonly string[];
    readonly compute: readonly string[];
    readonly openvswitch: readonly string[];
    /** Extra labels per node name. */
    readonly custom: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The roles with their defaults resolved: Open vSwitch runs wherever OpenStack networking runs unless listed. */
export function resolveNodeRoles(roles: NodeRolesConfig): NodeRoles {
    return {
        controlPlane: roles.controlPlane,
        compute: roles.compute,
        openvswitch: roles.openvswitch ?? [...new Set([...roles.controlPlane, ...roles.compute])],
        custom: roles.custom,
    };
}
