import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret } from "../secrets/generated";

/** Where and as whom to reach a Keystone with admin rights. The password is the only secret. */
export interface KeystoneConnection {
    /** Keystone's v3 URL, e.g. `https://keystone.example.net/v3`. */
    authUrl: pulumi.Input<string>;
    /** Admin user name. */
    username: pulumi.Input<string>;
    /** Admin password (kept secret). */
    password: pulumi.Input<string>;
    /** Project the admin token is scoped to. */
    projectName: pulumi.Input<string>;
    /** Domain of the admin user. @default "Default" */
    userDomain?: pulumi.Input<string>;
    /** Domain of the admin's project; the tenant's project and user are created in it. @default "Default" */
    projectDomain?: pulumi.Input<string>;
}

export interface TenantIdentityArgs {
    /** Keystone to create the identity in, with admin credentials. */
    connection: KeystoneConnection;
    /** Region whose identity endpoint the OpenStack provider picks from Keystone's catalogue. */
    region: pulumi.Input<string>;
    /** Tenant project name. */
    project: string;
    /** Tenant cluster name; names the service user and the application credential. */
    cluster: string;
    /** Roles the service user holds in the project (and delegates to the application credential). @default ["member"] */
    roles?: string[];
}

/**
 * How often the OpenStack provider retries a request whose connection broke before any answer came (an API worker or
 * a load balancer in front of it dropping the connection): the provider's `maxRetries`, with backoff between tries. A
 * request the API answered, with an error or not, is never retried. A busy Keystone closed a destroy's connection
 * without an answer (EOF), and the destroy failed where one more try would have finished it.
 */
export const OPENSTACK_CONNECTION_RETRIES = 5;

/** The provider configuration that signs in to Keystone with a password, scoped to a project. */
export function passwordProviderArgs(c: KeystoneConnection, region: pulumi.Input<string>): openstack.ProviderArgs {
    return {
        maxRetries: OPENSTACK_CONNECTION_RETRIES,
        authUrl: c.authUrl,
        region,
        userName: c.username,
        password: pulumi.secret(c.password),
        tenantName: c.projectName,
        userDomainName: c.userDomain ?? "Default",
        projectDomainName: c.projectDomain ?? "Default",
    };
}

/** The provider configuration that signs in with the tenant's application credential (inside its project). */
export function applicationCredentialProviderArgs(c: {
    authUrl: pulumi.Input<string>;
    region: pulumi.Input<string>;
    applicationCredentialId: pulumi.Input<string>;
    applicationCredentialSecret: pulumi.Input<string>;
}): openstack.ProviderArgs {
    return {
        maxRetries: OPENSTACK_CONNECTION_RETRIES,
        authUrl: c.authUrl,
        region: c.region,
        applicationCredentialId: c.applicationCredentialId,
        applicationCredentialSecret: pulumi.secret(c.applicationCredentialSecret),
    };
}

/**
 * The tenant's identity in Keystone: its project, a service user for the cluster's cloud integrations, that user's
 * roles in the project, and an application credential the cloud controller and CSI drivers authenticate with. All
 * four are `@pulumi/openstack` identity resources: the project, user and roles made as the admin, the application
 * credential as the service user itself (Keystone gives a user's credentials only to that user).
 */
export class TenantIdentity extends pulumi.ComponentResource {
    public readonly projectId: pulumi.Output<string>;
    public readonly userId: pulumi.Output<string>;
    public readonly userName: string;
    public readonly applicationCredentialId: pulumi.Output<string>;
    /** Secret. */
    public readonly applicationCredentialSecret: pulumi.Output<string>;

    constructor(name: string, args: TenantIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("osk:tenant:Identity", name, {}, opts);
        const roles = args.roles ?? ["member"];
        this.userName = `${args.cluster}-cloud-provider`;
        const admin = new openstack.Provider(`${name}-keystone-admin`, passwordProviderArgs(args.connection, args.region), { parent: this });
        const asAdmin = { parent: this, provider: admin };
        const project = new openstack.identity.Project(`${name}-project`, { name: args.project, description: `tenant cluster ${args.cluster} (OSK)`, enabled: true }, asAdmin);
        const password = new GeneratedSecret(`${name}-user-password`, {}, { parent: this });
        const user = new openstack.identity.User(`${name}-user`, { name: this.userName, password: password.value, defaultProjectId: project.id, enabled: true }, asAdmin);
        const assignments = roles.map((role) => {
            // Looked up once the project exists: a preview of a new tenant asks Keystone nothing.
            const roleId = project.id.apply(() => openstack.identity.getRole({ name: role }, asAdmin)).id;
            return new openstack.identity.RoleAssignment(`${name}-role-${role}`, { projectId: project.id, userId: user.id, roleId }, asAdmin);
        });
        const serviceUser = new openstack.Provider(
            `${name}-keystone-service-user`,
            // The user and project live in the admin project's domain (Keystone's default for what a scoped token creates).
            passwordProviderArgs({ ...args.connection, username: this.userName, password: password.value, projectName: args.project, userDomain: args.connection.projectDomain }, args.region),
            { parent: this },
        );
        const credential = new openstack.identity.ApplicationCredential(
            `${name}-application-credential`,
            { name: `${args.cluster}-cloud-integrations`, description: "OSK: cloud controller and CSI drivers", roles, unrestricted: false },
            { parent: this, provider: serviceUser, dependsOn: assignments },
        );
        this.projectId = project.id;
        this.userId = user.id;
        this.applicationCredentialId = credential.id;
        this.applicationCredentialSecret = pulumi.secret(credential.secret);
        this.registerOutputs({ projectId: this.projectId, userId: this.userId, applicationCredentialId: this.applicationCredentialId });
    }
}
