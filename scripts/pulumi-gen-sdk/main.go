// pulumi-gen-sdk writes a Node.js or Python SDK for a Pulumi package schema:
//
//	pulumi-gen-sdk --schema schema.json --language nodejs|python --out DIR [--local]
//
// It does what `pulumi package gen-sdk` does, but calls Pulumi's code generators
// (github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,python}) directly: the CLI hands code generation to the
// language hosts (pulumi-language-nodejs/-python), whose modules the Go module proxy reachable here refuses
// (403), so they cannot be built. Built by scripts/ensure-sdk-gen.sh.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-sdk"

// noLoader refuses every package reference: our schema refers to no other package, and failing loudly beats
// the plugin loader, which would start or download plugins.
type noLoader struct{}

var errNoLoader = errors.New("pulumi-gen-sdk: schemas referring to other packages are not supported")

func (noLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoLoader
}
func (noLoader) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoLoader
}

// respectSchemaVersion sets `respectSchemaVersion: true` in the schema's options for language, keeping any
// other option. Without it the generators write the placeholder versions ${VERSION} (package.json) and 0.0.0
// (setup.py) that a release pipeline would replace; the SDK then asks the engine for a plugin of that version
// instead of the schema's, which is the plugin's own version.
func respectSchemaVersion(spec *schema.PackageSpec, language string) error {
	options := map[string]any{}
	if raw, ok := spec.Language[language]; ok {
		if err := json.Unmarshal(raw, &options); err != nil {
			return fmt.Errorf("language.%s of the schema: %w", language, err)
		}
	}
	if _, set := options["respectSchemaVersion"]; !set {
		options["respectSchemaVersion"] = true
	}
	raw, err := json.Marshal(options)
	if err != nil {
		return err
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	spec.Language[language] = raw
	return nil
}

func run(schemaPath, language, out string, local bool) error {
	if language != "nodejs" && language != "python" {
		return fmt.Errorf("unsupported --language %q (nodejs or python)", language)
	}
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	if err := respectSchemaVersion(&spec, language); err != nil {
		return err
	}
	// BindSpec validates against the metaschema too, so a broken schema fails here rather than as odd code.
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err == nil && diags.HasErrors() {
		err = errors.Join(diags.Errs()...) // every problem, not the first and a count
	}
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		// local: what `pulumi package add` makes, an SDK a project installs from its folder (`file:` dependency)
		// whose postinstall compiles it; without, a package to build with `tsc` and publish (no `main`).
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, local, noLoader{})
	default:
		files, err = python.GeneratePackage(tool, pkg, nil, noLoader{})
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	for name, content := range files {
		target := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%s: wrote %d files of the %s SDK for %s %s to %s\n",
		tool, len(files), language, pkg.Name, pkg.Version, out)
	return nil
}

func main() {
	// A flag set of our own: the default one also carries glog's flags, which pkg's dependencies register.
	flags := flag.NewFlagSet(tool, flag.ExitOnError)
	schemaPath := flags.String("schema", "", "the package schema (JSON), e.g. from 'pulumi package get-schema'")
	language := flags.String("language", "", "nodejs or python")
	out := flags.String("out", "", "the folder to write the SDK into (created if missing)")
	local := flags.Bool("local", false, "nodejs: an SDK for local use, compiled when installed (like gen-sdk --local)")
	_ = flags.Parse(os.Args[1:])
	if *schemaPath == "" || *language == "" || *out == "" || flags.NArg() != 0 {
		flags.Usage()
		os.Exit(2)
	}
	if err := run(*schemaPath, *language, *out, *local); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}
