import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";

export interface TenantCloudsArgs {
    /** Name of the cloud entry (`--os-cloud <name>`). */
    cloud: string;
    authUrl: pulumi.Input<string>;
    region: pulumi.Input<string>;
    applicationCredentialId: pulumi.Input<string>;
    /** Secret. */
    applicationCredentialSecret: pulumi.Input<string>;
}

/** The tenant's clouds.yaml document: one cloud authenticating with the application credential. Pure. */
export function cloudsYamlDocument(a: { cloud: string; authUrl: string; region: string; applicationCredentialId: string; applicationCredentialSecret: string }): string {
    return stringify({
        clouds: {
            [a.cloud]: {
                auth_type: "v3applicationcredential",
                auth: { auth_url: a.authUrl, application_credential_id: a.applicationCredentialId, application_credential_secret: a.applicationCredentialSecret },
                region_name: a.region,
                interface: "public",
                identity_api_version: 3,
            },
        },
    });
}

/** The same as an output, secret (it carries the application credential's secret). */
export function tenantCloudsYaml(a: TenantCloudsArgs): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.all([a.authUrl, a.region, a.applicationCredentialId, a.applicationCredentialSecret]).apply(([authUrl, region, applicationCredentialId, applicationCredentialSecret]) =>
            cloudsYamlDocument({ cloud: a.cloud, authUrl, region, applicationCredentialId, applicationCredentialSecret }),
        ),
    );
}
