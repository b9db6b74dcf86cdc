// Generates the provider's Pulumi schema: tfgen schema --skip-docs --skip-examples --out <dir>.
// (Converting the Terraform docs' examples would need the Terraform converter plugin; OSK needs neither.)
package main

import (
	openstackprovider "osk/tools/openstack-provider"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
)

func main() {
	tfgen.Main(openstackprovider.Package, openstackprovider.Version, openstackprovider.Provider())
}
