// The plugin itself, with the schema tfgen generated embedded (tools/toolchain.sh writes schema.json here
// before building; it is not committed).
package main

import (
	_ "embed"

	openstackprovider "osk/tools/openstack-provider"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
)

//go:embed schema.json
var schema []byte

func main() {
	tfbridge.Main(openstackprovider.Package, openstackprovider.Version, openstackprovider.Provider(), schema)
}
