import * as pulumi from "@pulumi/pulumi";
import { KeystoneApplicationCredential, KeystoneProject, KeystoneRoleAssignment, KeystoneUser, type KeystoneConnection } from "../keystone/resources";
import { GeneratedSecret } from "../secrets/generated";

export interface TenantIdentityArgs {
    /** Keystone to create the identity in, with admin credentials. */
    connection: KeystoneConnection;
    /** Tenant project name. */
    project: string;
    /** Tenant cluster name; names the service user and the application credential. */
    cluster: string;
    /** Roles the service user holds in the project (and delegates to the application credential). @default ["member"] */
    roles?: string[];
}

/**
 * The tenant's identity in Keystone: its project, a service user for the cluster's cloud integrations, that user's
 * roles in the project, and an application credential the cloud controller and CSI drivers authenticate with.
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
        const child = { parent: this };
        const roles = args.roles ?? ["member"];
        this.userName = `${args.cluster}-cloud-provider`;
        const project = new KeystoneProject(`${name}-project`, { connection: args.connection, name: args.project, description: `tenant cluster ${args.cluster} (OSK)` }, child);
        const password = new GeneratedSecret(`${name}-user-password`, {}, child);
        const user = new KeystoneUser(`${name}-user`, { connection: args.connection, name: this.userName, password: password.value, defaultProjectId: project.objectId }, child);
        const assignments = roles.map((role) => new KeystoneRoleAssignment(`${name}-role-${role}`, { connection: args.connection, projectId: project.objectId, userId: user.objectId, role }, child));
        const credential = new KeystoneApplicationCredential(
            `${name}-application-credential`,
            { connection: args.connection, userId: user.objectId, userName: this.userName, userPassword: password.value, projectName: args.project, name: `${args.cluster}-cloud-integrations`, roles },
            { ...child, dependsOn: assignments },
        );
        this.projectId = project.objectId;
        this.userId = user.objectId;
        this.applicationCredentialId = credential.objectId;
        this.applicationCredentialSecret = pulumi.secret(credential.secret);
        this.registerOutputs({ projectId: this.projectId, userId: this.userId, applicationCredentialId: this.applicationCredentialId });
    }
}
