import * as pulumi from "@pulumi/pulumi";
import type { SecretValue } from "../core/secret";
import { siteSchema, type Site } from "../core/site";
import { parseArgs } from "../core/validation";
import { RemoteCommand } from "../remote/command";
import { GeneratedSecret } from "../secrets/generated";
import { endpointAddress, kubeadmProblems, renderCertificate, renderInit, renderJoin, type RenderOptions } from "./kubeadm";
import { renderHaproxy, renderKeepalived } from "./loadbalancer";
import * as scripts from "./scripts";
import { kubeadmSchema, type Host, type KubeadmConfigInput } from "./args";

export * from "./args";
export * from "./kubeadm";
export * from "./loadbalancer";

export interface ControlPlaneArgs {
    /** The kubeadm cluster: version, endpoint, networks, CNI, SSH access, hosts (validated here, defaults applied). */
    config: KubeadmConfigInput;
    /** Site the cluster belongs to (cluster name, VRRP id). */
    site: Site;
    /** SSH key for every host; handled as a secret end to end. */
    sshPrivateKey: SecretValue | pulumi.Output<string>;
    /** Extra kubelet flags and apiserver flags/files (e.g. the Keystone webhook). @default none */
    extras?: RenderOptions;
    /** Rotate the bootstrap token and certificate key by changing this. @default "" */
    credentialRotation?: string;
    /** Password of `site.registry.username` (secret): containerd on every host logs in to the mirror with it.
     * Required when the site's mirror has a user. @default none (anonymous pulls) */
    registryPassword?: pulumi.Input<string>;
}

/**
 * An HA Kubernetes control plane built with kubeadm over SSH: host preparation, the API endpoint (VIP with
 * keepalived + HAProxy, or an external load balancer), init on the first master, control-plane joins one at a
 * time (each adds an etcd member), worker joins, the CNI, and a readiness gate on every node.
 */
export class ControlPlane extends pulumi.ComponentResource {
    /** Admin kubeconfig (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** `https://<endpoint>:<port>`. */
    public readonly apiEndpoint: pulumi.Output<string>;
    /** `sha256:<hex>` of the cluster CA public key, as joins pin it. */
    public readonly caCertHash: pulumi.Output<string>;
    /** Master and worker names. */
    public readonly masters: pulumi.Output<string[]>;
    public readonly workers: pulumi.Output<string[]>;

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:cluster:ControlPlane", name, {}, opts);
        const cp = parseArgs(kubeadmSchema, args.config, "args.config", this, "ControlPlane");
        const site = parseArgs(siteSchema, args.site, "args.site", this, "ControlPlane");
        const problems = kubeadmProblems(cp);
        if (problems.length > 0) throw new pulumi.ResourceError(`ControlPlane ${name}: ${problems.map((p) => `args.config.${p.key} ${p.message}`).join("; ")}`, this);
        const extras = args.extras ?? {};
        const files = extras.apiServer?.files ?? {};
        const privateKey = pulumi.secret(
            pulumi.Output.isInstance(args.sshPrivateKey) ? args.sshPrivateKey : (args.sshPrivateKey as SecretValue).reveal(),
        );
        const connection = (h: Host) => ({
            host: h.address,
            port: cp.ssh.port,
            user: cp.ssh.user,
            ...(cp.ssh.jumpHost ? { jumpHost: { host: cp.ssh.jumpHost.address, port: cp.ssh.jumpHost.port, user: cp.ssh.jumpHost.user } } : {}),
        });
        const step = (role: string, host: Host, a: Omit<ConstructorParameters<typeof RemoteCommand>[1], "connection" | "privateKey">, deps: pulumi.Resource[]) =>
            new RemoteCommand(`${name}-${role}-${host.name}`, { connection: connection(host), privateKey, ...a }, { parent: this, dependsOn: deps });

        const token = new GeneratedSecret(`${name}-bootstrap-token`, { format: "bootstrapToken", rotation: args.credentialRotation }, { parent: this });
        const certKey = new GeneratedSecret(`${name}-certificate-key`, { format: "hex", length: 64, rotation: args.credentialRotation }, { parent: this });
        const joinSecrets = { OSK_BOOTSTRAP_TOKEN: token.value, OSK_CERTIFICATE_KEY: certKey.value };

        if (site.registry?.username && args.registryPassword === undefined) {
            throw new Error(`ControlPlane ${name}: args.registryPassword is required when site.registry.username is set (containerd logs in to the mirror with it)`);
        }
        // Only the prepare step knows the mirror's password, in its secret environment.
        const login = site.registry?.username ? { secretEnvironment: { [scripts.REGISTRY_PASSWORD_ENV]: pulumi.secret(args.registryPassword!) } } : {};
        const hosts = [...cp.masters, ...cp.workers];
        const prepared = new Map(hosts.map((h) => [h.name, step("prepare", h, { create: scripts.prepareScript(cp, h, site.registry), ...login }, [])]));

        const [first, ...others] = cp.masters;
        const lb =
            cp.endpoint.type === "vip"
                ? cp.masters.map((m) =>
                      step("loadbalancer", m, { create: scripts.loadBalancerScript(renderHaproxy(cp), renderKeepalived(cp, site, m)) }, [prepared.get(m.name)!]),
                  )
                : [];

        // A version change upgrades the running cluster one node at a time before anything else re-runs: the first
        // master applies it, the other masters follow, then each worker, drained from a master first and put back
        // after. On a cluster that is not there yet, or already at the version, every one of these does nothing.
        const upgrades: pulumi.Resource[] = [];
        // Work on the cluster as a whole (drains, node and etcd member removal) runs on a master that is still there:
        // the first other master of the inventory, or the next when that one cannot be reached or is not in the
        // cluster. Kept up to date on every run, so a removal runs from the masters of the inventory it left.
        const onMaster = (h: Host) => {
            const [at, ...alternates] = cp.masters.filter((m) => m.name !== h.name);
            return { connection: connection(at ?? first), alternateHosts: alternates.map((m) => m.address), privateKey };
        };
        for (const [i, h] of hosts.entries()) {
            const role = i === 0 ? "first" : i < cp.masters.length ? "master" : "worker";
            const after = [prepared.get(h.name)!, ...upgrades.slice(-1)];
            if (role !== "worker") {
                upgrades.push(step("upgrade", h, { create: scripts.upgradeScript(cp, h, role) }, after));
                continue;
            }
            const drain = new RemoteCommand(`${name}-upgrade-drain-${h.name}`, { ...onMaster(h), create: scripts.workerUpgradeScript(cp, h, "drain") }, { parent: this, dependsOn: after });
            const upgraded = step("upgrade", h, { create: scripts.upgradeScript(cp, h, role) }, [drain]);
            upgrades.push(new RemoteCommand(`${name}-upgrade-uncordon-${h.name}`, { ...onMaster(h), create: scripts.workerUpgradeScript(cp, h, "uncordon") }, { parent: this, dependsOn: [upgraded] }));
        }

        const init = step(
            "init",
            first,
            {
                files: { ...files, [scripts.INIT_TEMPLATE]: renderInit(cp, site, extras) },
                create: scripts.initScript(),
                delete: scripts.resetScript(),
                secretEnvironment: joinSecrets,
                captureStdout: "plain",
            },
            [prepared.get(first.name)!, ...lb, ...upgrades.slice(-1)],
        );
        this.caCertHash = init.stdout.apply((s) => s.trim().split("\n").pop() ?? "");
        const secretsWithHash = { ...joinSecrets, OSK_CA_CERT_HASH: this.caCertHash };

        // A node leaving the inventory is drained and removed from a master (onMaster).
        const leave = (action: "drain" | "remove", h: Host, role: "master" | "worker", deps: pulumi.Resource[]) =>
            new RemoteCommand(`${name}-${action}-${h.name}`, { ...onMaster(h), create: "true\n", delete: scripts.leaveScript(action, h, role) }, { parent: this, dependsOn: deps });

        // Control-plane joins go one at a time: each adds an etcd member, and etcd wants one change at a time.
        const joins: pulumi.Resource[] = [];
        let previous: pulumi.Resource = init;
        const join = (h: Host, role: "master" | "worker", after: pulumi.Resource) => {
            // Leaving the inventory, in this order (the engine deletes dependents first): the node is drained and a
            // master's etcd member removed, then the node is reset on itself (the join's delete), then its Node
            // object is removed, once no kubelet registers it again.
            const removal = leave("remove", h, role, [init]);
            const joined = step(
                "join",
                h,
                {
                    files: { ...(role === "master" ? files : {}), [scripts.JOIN_TEMPLATE]: renderJoin(cp, h, role, extras) },
                    create: scripts.joinScript(),
                    delete: scripts.resetScript(),
                    secretEnvironment: secretsWithHash,
                },
                [prepared.get(h.name)!, after, removal],
            );
            leave("drain", h, role, [joined]);
            joins.push(joined);
            return joined;
        };
        for (const m of others) previous = join(m, "master", previous);
        for (const w of cp.workers) join(w, "worker", previous);

        // Every apiserver serves a certificate for the endpoint and every master of the inventory: one a master got
        // before the inventory grew is issued again (kubeadm adds only what the configuration names when it joins).
        const certificates = cp.masters.map((m, i) =>
            step("apiserver-certificate", m, { files: { [scripts.CERTIFICATE_CONFIG]: renderCertificate(cp, site, m, extras) }, create: scripts.apiServerCertificateScript(cp, m) }, [
                i === 0 ? init : joins[i - 1],
            ]),
        );

        const cni = step("cni", first, { create: scripts.cniScript(cp, site.registry) }, [init, ...joins, ...certificates]);
        const ready = step("ready", first, { create: scripts.waitReadyScript(hosts.map((h) => h.name)) }, [cni]);
        const admin = step("kubeconfig", first, { create: scripts.kubeconfigScript(), captureStdout: "secret", triggers: [hosts.map((h) => h.name)] }, [ready]);

        this.kubeconfig = pulumi.secret(admin.stdout);
        this.apiEndpoint = pulumi.output(`https://${endpointAddress(cp)}`);
        this.masters = pulumi.output(cp.masters.map((m) => m.name));
        this.workers = pulumi.output(cp.workers.map((w) => w.name));
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            apiEndpoint: this.apiEndpoint,
            caCertHash: this.caCertHash,
            masters: this.masters,
            workers: this.workers,
        });
    }
}
