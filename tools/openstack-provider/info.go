// Package openstackprovider is OSK's bridged OpenStack provider: the Terraform OpenStack provider served as the
// Pulumi plugin `openstack` under the tokens and property names the @pulumi/openstack SDK that package.json pins
// sends. Tokens follow one mechanical rule plus the exception table in tokens.json, which derive-tokens.ts derives
// from the SDK package itself; the unit and engine tiers check both against the SDK and the built schema.
package openstackprovider

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-provider-openstack/terraform-provider-openstack/v3/openstack"
)

//go:embed tokens.json
var tokenTableJSON []byte

// TokenTable is tokens.json: module renames, the SDK's spellings where the rule differs, names left out.
type TokenTable struct {
	Modules   map[string]string `json:"modules"`
	Resources map[string]string `json:"resources"`
	Functions map[string]string `json:"functions"`
	Ignored   map[string]string `json:"ignored"`
}

// The plugin's name and the version the SDK asks the engine for.
const (
	Package = "openstack"
	Version = "3.15.2"
)

var tfName = regexp.MustCompile(`^openstack_([a-z0-9]+)_([a-z0-9_]+?)(?:_v\d+)?$`)

func lowerCamel(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 && p != "" {
			p = strings.ToUpper(p[:1]) + p[1:]
		}
		b.WriteString(p)
	}
	return b.String()
}

// split turns openstack_networking_port_v2 into the module (renamed per the table) and the name parts.
func (t *TokenTable) split(name string) (string, []string, error) {
	m := tfName.FindStringSubmatch(name)
	if m == nil {
		return "", nil, fmt.Errorf("%s is not an openstack_<module>_<name>[_v<N>] Terraform name", name)
	}
	module := m[1]
	if renamed, ok := t.Modules[module]; ok {
		module = renamed
	}
	return module, strings.Split(m[2], "_"), nil
}

// ResourceToken is openstack:<module>/<lowerCamel>:<Pascal>, or the table's spelling.
func (t *TokenTable) ResourceToken(name string) (tokens.Type, error) {
	if tok, ok := t.Resources[name]; ok {
		return tokens.Type(tok), nil
	}
	module, parts, err := t.split(name)
	if err != nil {
		return "", err
	}
	camel := lowerCamel(parts)
	return tokens.Type(fmt.Sprintf("%s:%s/%s:%s", Package, module, camel, strings.ToUpper(camel[:1])+camel[1:])), nil
}

// FunctionToken is openstack:<module>/get<Pascal>:get<Pascal>, or the table's spelling.
func (t *TokenTable) FunctionToken(name string) (tokens.ModuleMember, error) {
	if tok, ok := t.Functions[name]; ok {
		return tokens.ModuleMember(tok), nil
	}
	module, parts, err := t.split(name)
	if err != nil {
		return "", err
	}
	fn := lowerCamel(append([]string{"get"}, parts...))
	return tokens.ModuleMember(fmt.Sprintf("%s:%s/%s:%s", Package, module, fn, fn)), nil
}

// Provider is the bridge's description of the plugin.
func Provider() tfbridge.ProviderInfo {
	var table TokenTable
	if err := json.Unmarshal(tokenTableJSON, &table); err != nil {
		panic(fmt.Sprintf("tokens.json: %v", err))
	}
	p := shimv2.NewProvider(openstack.Provider())
	prov := tfbridge.ProviderInfo{
		P:                 p,
		Name:              "openstack",
		Version:           Version,
		GitHubOrg:         "terraform-provider-openstack",
		Description:       "OpenStack resources for OSK: the Terraform OpenStack provider bridged under @pulumi/openstack's tokens.",
		License:           "Apache-2.0",
		TFProviderVersion: "3.4.0",
		Config:            map[string]*tfbridge.SchemaInfo{},
		Resources:         map[string]*tfbridge.ResourceInfo{},
		DataSources:       map[string]*tfbridge.DataSourceInfo{},
	}
	var ignored []string
	for name := range table.Ignored {
		ignored = append(ignored, name)
	}
	prov.IgnoreMappings = ignored
	p.ResourcesMap().Range(func(name string, _ shim.Resource) bool {
		if _, skip := table.Ignored[name]; skip {
			return true
		}
		tok, err := table.ResourceToken(name)
		if err != nil {
			panic(err)
		}
		prov.Resources[name] = &tfbridge.ResourceInfo{Tok: tok}
		return true
	})
	p.DataSourcesMap().Range(func(name string, _ shim.Resource) bool {
		if _, skip := table.Ignored[name]; skip {
			return true
		}
		tok, err := table.FunctionToken(name)
		if err != nil {
			panic(err)
		}
		prov.DataSources[name] = &tfbridge.DataSourceInfo{Tok: tok}
		return true
	})
	// The SDK's policies is a list of policies; upstream now takes exactly one, which the bridge would flatten
	// into a string. Keep the list, as programs written against the SDK send it.
	prov.Resources["openstack_compute_servergroup_v2"].Fields = map[string]*tfbridge.SchemaInfo{
		"policies": {MaxItemsOne: tfbridge.False()},
	}
	// Names the SDK treats as optional but Terraform now requires (security groups, server groups, key pairs,
	// instances, application credentials, ...) get a generated one when the program leaves them out.
	prov.SetAutonaming(255, "-")
	return prov
}
