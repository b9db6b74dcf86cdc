// Finds in OpenStack the object a pending create of a killed `pulumi up` had started, by the name or properties
// the run gave it, so recovery adopts it instead of creating a second one (tools/engine/recover.ts).
import { createHash } from "crypto";
import type { Adoption, PendingCreate } from "../../../tools/engine/recover";
import { NOVA_2_64, type Cloud } from "./cloud";

const one = (items: { id: string }[] | undefined): string | undefined => (items && items.length === 1 ? items[0].id : undefined);
const enc = encodeURIComponent;

/**
 * The pending create `p` as its finished create would have recorded it: the id the provider keeps, and the one
 * output that is not its input (an instance's user data, which the provider keeps as the SHA-1 of the text and Nova
 * never returns; seeded with the text itself, the next up would replace the instance). Undefined when absent.
 */
export async function findPending(cloud: Cloud, p: PendingCreate): Promise<Adoption | undefined> {
    const id = await pendingId(cloud, p);
    if (!id) return undefined;
    const userData = p.type === "openstack:compute/instance:Instance" ? p.inputs.userData : undefined;
    return typeof userData === "string" ? { id, outputs: { userData: createHash("sha1").update(userData).digest("hex") } } : { id };
}

/** The id the provider records for the pending create `p`, looked up in the tenant's project. */
async function pendingId(cloud: Cloud, p: PendingCreate): Promise<string | undefined> {
    const i = p.inputs as Record<string, any>;
    const name = typeof i.name === "string" ? i.name : undefined;
    switch (p.type) {
        case "openstack:compute/instance:Instance":
            // Nova's name filter is a regular expression.
            return one((await cloud.get("compute", `/servers?name=${enc(`^${name}$`)}`)).servers);
        case "openstack:compute/serverGroup:ServerGroup":
            return one((await cloud.get("compute", "/os-server-groups", NOVA_2_64)).server_groups.filter((g: { name: string }) => g.name === name));
        case "openstack:compute/keypair:Keypair":
            return (await cloud.get("compute", "/os-keypairs")).keypairs.some((k: { keypair: { name: string } }) => k.keypair.name === name) ? name : undefined;
        case "openstack:networking/network:Network":
            return one((await cloud.get("network", `/networks?name=${enc(name!)}&project_id=${cloud.projectId}`)).networks);
        case "openstack:networking/subnet:Subnet":
            return one((await cloud.get("network", `/subnets?name=${enc(name!)}&project_id=${cloud.projectId}`)).subnets);
        case "openstack:networking/router:Router":
            return one((await cloud.get("network", `/routers?name=${enc(name!)}&project_id=${cloud.projectId}`)).routers);
        case "openstack:networking/port:Port":
            return one((await cloud.get("network", `/ports?name=${enc(name!)}&project_id=${cloud.projectId}`)).ports);
        case "openstack:networking/secGroup:SecGroup":
            return one((await cloud.get("network", `/security-groups?name=${enc(name!)}&project_id=${cloud.projectId}`)).security_groups);
        case "openstack:networking/secGroupRule:SecGroupRule": {
            const rules = (await cloud.get("network", `/security-group-rules?security_group_id=${i.securityGroupId}&direction=${i.direction}`)).security_group_rules;
            return one(
                rules.filter(
                    (r: any) =>
                        r.protocol === (i.protocol ?? null) &&
                        r.ethertype === i.ethertype &&
                        (r.port_range_min ?? 0) === (i.portRangeMin ?? 0) &&
                        (r.port_range_max ?? 0) === (i.portRangeMax ?? 0) &&
                        (r.remote_ip_prefix ?? "") === (i.remoteIpPrefix ?? "") &&
                        (r.remote_group_id ?? "") === (i.remoteGroupId ?? ""),
                ),
            );
        }
        case "openstack:networking/routerInterface:RouterInterface": {
            // The interface's id is its port's.
            const ports = (await cloud.get("network", `/ports?device_id=${i.routerId}&device_owner=network:router_interface`)).ports;
            return one(ports.filter((x: { fixed_ips: { subnet_id: string }[] }) => x.fixed_ips.some((f) => f.subnet_id === i.subnetId)));
        }
        case "openstack:networking/floatingIp:FloatingIp":
            return one((await cloud.get("network", `/floatingips?project_id=${cloud.projectId}`)).floatingips.filter((f: { description: string }) => f.description === i.description));
        case "openstack:networking/floatingIpAssociate:FloatingIpAssociate": {
            // The association's id is its floating IP's, once that points at the port.
            const fips = (await cloud.get("network", `/floatingips?floating_ip_address=${i.floatingIp}`)).floatingips;
            return one(fips.filter((f: { port_id: string | null }) => f.port_id === i.portId));
        }
        case "openstack:loadbalancer/loadBalancer:LoadBalancer":
            return one((await cloud.get("load-balancer", `/lbaas/loadbalancers?name=${enc(name!)}`)).loadbalancers);
        case "openstack:loadbalancer/listener:Listener":
            return one((await cloud.get("load-balancer", `/lbaas/listeners?name=${enc(name!)}`)).listeners);
        case "openstack:loadbalancer/pool:Pool":
            return one((await cloud.get("load-balancer", `/lbaas/pools?name=${enc(name!)}`)).pools);
        case "openstack:loadbalancer/monitor:Monitor":
            return one((await cloud.get("load-balancer", `/lbaas/healthmonitors?name=${enc(name!)}`)).healthmonitors);
        case "openstack:loadbalancer/member:Member":
            // The member's own id (the pool comes from its inputs; `pulumi import` would take <pool id>/<member id>).
            return one((await cloud.get("load-balancer", `/lbaas/pools/${i.poolId}/members?address=${i.address}`)).members);
        default:
            return undefined;
    }
}
