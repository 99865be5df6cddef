// sdkgen: a typed SDK (Python or TypeScript) from a package schema, with the code generators of
// Pulumi's own pkg/v3 (the ones `pulumi package gen-sdk` reaches through the language hosts, which
// the Go module proxy does not serve here). Built and run by scripts/gen-sdk.sh.
//
//	sdkgen python|nodejs SCHEMA.json OUT_DIR
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noPackages: the schema refers to no other package (only the built-in pulumi.json types).
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("no package %q here", pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("no package %q here", d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("no package %q here", pkg)
}

func (noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("no package %q here", d.Name)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen python|nodejs SCHEMA.json OUT_DIR")
		os.Exit(2)
	}
	lang, schemaPath, out := os.Args[1], os.Args[2], os.Args[3]
	data, err := os.ReadFile(schemaPath)
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		check(diags)
	}
	var files map[string][]byte
	switch lang {
	case "python":
		files, err = python.GeneratePackage("pulumi-qoder-sdkgen", pkg, nil, noPackages{})
	case "nodejs":
		files, err = nodejs.GeneratePackage("pulumi-qoder-sdkgen", pkg, nil, nil, false, noPackages{})
	default:
		err = fmt.Errorf("unknown language %q", lang)
	}
	check(err)
	for name, content := range files {
		path := filepath.Join(out, name)
		check(os.MkdirAll(filepath.Dir(path), 0o755))
		check(os.WriteFile(path, content, 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}
